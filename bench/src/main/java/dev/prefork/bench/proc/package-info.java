/**
 * Reading server processes' CPU, RSS and PSS from {@code /proc}.
 */
package dev.prefork.bench.proc;
