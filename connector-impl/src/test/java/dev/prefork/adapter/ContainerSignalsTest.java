package dev.prefork.adapter;

import jakarta.resource.spi.UnavailableException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-server shutdown signals of {@link ContainerSignals}. */
class ContainerSignalsTest {

    /** Stands in for org.jboss.as.ejb3.component.EJBComponentUnavailableException (matched by simple name). */
    static final class EJBComponentUnavailableException extends RuntimeException {
        EJBComponentUnavailableException(String message) {
            super(message);
        }
    }

    @Test
    void wildflysRejectionOfAStoppingComponentIsTheSignal() {
        assertTrue(ContainerSignals.componentShuttingDown(new EJBComponentUnavailableException("WFLYEJB0421: Invocation cannot proceed as component is shutting down")));
    }

    @Test
    void wildflysRejectionWrappedByTheContainerIsTheSignal() {
        RuntimeException wrapped = new RuntimeException("delivery failed",
                new IllegalStateException("proxy", new EJBComponentUnavailableException("shutting down")));
        assertTrue(ContainerSignals.componentShuttingDown(wrapped));
    }

    @Test
    void glassFishAndLibertyNeedNoSignal_ordinaryFailuresAreNotTakenForOne() {
        // GlassFish 8 and Open Liberty deactivate the endpoint before stopping the MDB (measured by
        // glassfish-it and liberty-it): an exception from a delivery there is the bean's own failure, and
        // must not stop the pool.
        assertFalse(ContainerSignals.componentShuttingDown(new RuntimeException("the bean failed")));
        assertFalse(ContainerSignals.componentShuttingDown(new IllegalStateException("x", new UnavailableException("busy"))));
        assertFalse(ContainerSignals.componentShuttingDown(null));
    }

    @Test
    void aSelfCausedExceptionEnds() {
        RuntimeException loop = new RuntimeException("loop") {
            @Override
            public synchronized Throwable getCause() {
                return this;
            }
        };
        assertFalse(ContainerSignals.componentShuttingDown(loop));
    }

    /** Stands in for org.jboss.as.ee.component.ComponentIsStoppedException (matched by simple name). */
    static final class ComponentIsStoppedException extends IllegalStateException {
        ComponentIsStoppedException(String message) {
            super(message);
        }
    }

    @Test
    void wildflysRejectionOfAStoppedComponentIsTheSignalToo() {
        assertTrue(ContainerSignals.componentShuttingDown(new RuntimeException("wrapped",
                new ComponentIsStoppedException("Component is stopped"))));
    }
}
