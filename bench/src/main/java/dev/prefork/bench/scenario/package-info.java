/**
 * One class per benchmark scenario (throughput, start-up, recycling, memory, profiles).
 */
package dev.prefork.bench.scenario;
