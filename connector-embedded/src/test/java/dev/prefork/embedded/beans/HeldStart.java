package dev.prefork.embedded.beans;

import dev.prefork.embedded.PoolStarted;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds the container's start once a pool answers, when the system property {@value #PROPERTY} is true:
 * its {@link PoolStarted} observer runs inside {@code Weld.initialize()}, so a test can signal the host
 * JVM at the moment a Ctrl-C used to meet no shutdown hook (the ports answer, initialize() has not
 * returned). It prints {@code holding the start: <name> on <port>} and waits, at most a minute, for
 * nothing: the test's signal ends the JVM.
 */
@ApplicationScoped
public class HeldStart {
    public static final String PROPERTY = "prefork.test.hold_start";

    void started(@Observes PoolStarted event) throws InterruptedException {
        if (Boolean.getBoolean(PROPERTY)) {
            System.out.println("holding the start: " + event.pool().name() + " on " + event.pool().port());
            System.out.flush();
            new CountDownLatch(1).await(60, TimeUnit.SECONDS);
        }
    }
}
