/**
 * The Jakarta Connectors 2.1 resource adapter: endpoint activation and deactivation, the layered
 * resolution of settings (per-endpoint MicroProfile Config, activation config, adapter properties,
 * global MicroProfile Config, defaults), and delivery of each connection the bridge receives to an MDB
 * instance on a WorkManager thread, and of each dequeue job to an MDB that implements
 * {@link dev.prefork.api.PreforkDequeue} (on the schedule of {@link dev.prefork.dequeue}). Runs inside the application server on JDK 17; depends on
 * {@code connector-api}, the Jakarta Connectors API, SmallRye Config (private to the {@code .rar}),
 * {@link dev.prefork.engine}, {@link dev.prefork.bridge} and {@link dev.prefork.dequeue}.
 */
package dev.prefork.adapter;
