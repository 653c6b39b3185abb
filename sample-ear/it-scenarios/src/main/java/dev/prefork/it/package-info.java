/**
 * What every integration suite shares, written once: the sample EAR's scenarios ({@link dev.prefork.it.SampleScenarios},
 * {@link dev.prefork.it.SlowClients}) against a small {@link dev.prefork.it.AppServer} interface that each server's
 * module (glassfish-it, liberty-it, wildfly-it) implements with that server's own admin tools, and the helpers the
 * suites and connector-impl's tests need to drive real processes and sockets: a line client and balancer clients,
 * ports picked while all are held ({@link dev.prefork.it.FreePorts}), a real HAProxy, /proc reading, bounded waits,
 * and stopping a server with everything it left behind. Test code shipped as a main-scope jar so that those modules
 * can depend on it; depends on JUnit only (its assertions), not on the adapter, so that the scenarios see the
 * servers and the adapter only as a client and an operator would.
 */
package dev.prefork.it;
