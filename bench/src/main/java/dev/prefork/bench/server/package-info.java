/**
 * Starting, watching and cleaning up each server under test.
 */
package dev.prefork.bench.server;
