/**
 * The sample application's MDBs: Net::Daemon's calculator (a recursive-descent parser of arithmetic,
 * never evaluated as code) and a line echo for benchmarks. Depends on {@code connector-api} and the
 * Jakarta EE APIs only.
 */
package dev.prefork.sample;
