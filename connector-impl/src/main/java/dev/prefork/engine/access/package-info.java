/**
 * Who may connect: Net::Server's {@code allow} / {@code deny} / {@code cidr_allow} / {@code cidr_deny}
 * and Net::Daemon's {@code clients} list, decided from the client's numeric address alone. Parsed and
 * validated with the rest of the settings in the controlling JVM, and again in every worker, which
 * decides before the handoff so that a denied client costs the application server nothing.
 *
 * <p>Nothing here ever asks the name resolver: addresses are parsed as literals by hand
 * ({@link dev.prefork.engine.access.IpLiteral}), never through {@code InetAddress.getByName}. Loaded cold
 * in every worker that has rules, so it uses plain loops rather than lambdas or streams. Depends on the
 * JDK only; Java 17.
 */
package dev.prefork.engine.access;
