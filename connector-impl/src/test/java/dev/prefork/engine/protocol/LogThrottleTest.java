package dev.prefork.engine.protocol;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The throttle on the caller's clock: one line per interval, the first at once, each saying how many were held back. */
class LogThrottleTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void letsTheFirstThroughThenOnePerIntervalWithTheCountHeldBack() {
        LogThrottle throttle = new LogThrottle(10, TimeUnit.SECONDS);
        long start = 5 * SECOND; // any origin
        assertEquals(-1, throttle.sinceLastLineNanos(start), "no line yet");
        assertEquals(0, throttle.admit(start));
        assertEquals(-1, throttle.admit(start + SECOND));
        assertEquals(-1, throttle.admit(start + 10 * SECOND - 1));
        assertEquals(10 * SECOND - 1, throttle.sinceLastLineNanos(start + 10 * SECOND - 1));
        assertEquals(2, throttle.admit(start + 10 * SECOND), "two held back since the last line");
        assertEquals(0, throttle.sinceLastLineNanos(start + 10 * SECOND));
        assertEquals(0, throttle.admit(start + 60 * SECOND), "none held back since");
    }

    @Test
    void theLineSaysHowManyWereHeldBack() {
        LogThrottle throttle = new LogThrottle(1, TimeUnit.HOURS);
        assertEquals("bad input", throttle.line("bad input"));
        assertNull(throttle.line("bad input"));
        assertNull(throttle.line("bad input"));
        assertEquals(2, throttle.admit(System.nanoTime() + TimeUnit.HOURS.toNanos(1)));
    }
}
