/**
 * Turning measured rounds into the Markdown report, its tables, target checks and charts.
 */
package dev.prefork.bench.report;
