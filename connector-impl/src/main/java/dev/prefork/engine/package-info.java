/**
 * The engine as its users see it: {@link dev.prefork.engine.PreforkEngine} starts a pool (a supervisor
 * process, its workers, a bridge receiver) for a {@link dev.prefork.bridge.ConnectionHandler}, reports
 * its state as snapshots, and stops it leaving nothing behind. Used by the adapter and the standalone
 * launcher; JDK 17 APIs only, so that an application server on JDK 17 can load it.
 */
package dev.prefork.engine;
