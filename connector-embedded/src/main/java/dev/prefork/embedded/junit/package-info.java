/**
 * A JUnit 5 test kit for listener authors: {@link dev.prefork.embedded.junit.PreforkTest} starts the
 * named listener beans in a Weld SE container, each with real worker processes on a free loopback port,
 * before each test and stops them after it, even when it fails; {@link dev.prefork.embedded.junit.LineClient}
 * talks to them over TCP. Needs {@code junit-jupiter-api} (the test's own) beside the embedded host.
 */
package dev.prefork.embedded.junit;
