/**
 * The soak run ({@code bench/soak}): one recycling pool under mixed, paced load for ten minutes or
 * more, sampled every few seconds for what leaks (descriptors, threads, memory, processes, zombies), with
 * every failed request written down with its time and kind, so that a failure can be matched against what
 * the pool was doing at that instant. Not a speed measurement: the load is paced well below capacity.
 */
package dev.prefork.bench.soak;
