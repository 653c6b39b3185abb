/**
 * The embedded host: listener beans ({@link dev.prefork.api.PreforkListener} with
 * {@code @MessageDriven} activation config) served by the engine inside a CDI SE container (Weld SE), with
 * no application server; those that implement {@link dev.prefork.api.PreforkDequeue} also get their dequeue
 * jobs. {@link dev.prefork.embedded.PreforkExtension} is the portable extension that
 * finds the beans, resolves their settings as the resource adapter does, starts one pool per bean when
 * the container has validated the deployment and stops them all when it shuts down;
 * {@link dev.prefork.embedded.Main} boots such a container from the command line. Depends on
 * {@code connector-api}, {@code connector-impl} (the engine, and the adapter's settings resolution),
 * Weld SE and SmallRye Config; none of that goes into the {@code .rar}.
 */
package dev.prefork.embedded;
