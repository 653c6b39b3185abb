/**
 * The Jakarta Connectors 2.1 resource adapter: endpoint activation and deactivation, the layered
 * resolution of settings (per-endpoint MicroProfile Config, activation config, adapter properties,
 * global MicroProfile Config, defaults), and delivery of each connection the bridge receives to an MDB
 * instance on a WorkManager thread. Runs inside the application server on JDK 17; depends on
 * {@code connector-api}, the Jakarta Connectors API, SmallRye Config (private to the {@code .rar}),
 * {@link dev.prefork.engine} and {@link dev.prefork.bridge}.
 */
package dev.prefork.adapter;
