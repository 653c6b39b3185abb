package dev.prefork.worker;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The accept loop's answer to failing accept() calls, with time given by the test. */
class AcceptFailuresTest {
    private final List<String> logged = new ArrayList<>();
    private final AcceptFailures failures = new AcceptFailures(logged::add);
    private final IOException emfile = new IOException("Too many open files");

    @Test
    void aSingleFailureIsRetriedAtOnceAndNotWarnedAbout() {
        assertEquals(0, failures.failed(emfile, 1_000));
        failures.succeeded();
        assertEquals(0, failures.failed(emfile, 1_001), "a success ended the run: the next failure is a first again");
        assertTrue(logged.isEmpty(), logged.toString());
    }

    @Test
    void failuresInARowBackOffDoublingToOneSecondAndGiveUpAfterTenSeconds() {
        long now = 50_000;
        assertEquals(0, failures.failed(emfile, now));
        List<Long> delays = new ArrayList<>();
        long delay;
        while ((delay = failures.failed(emfile, now)) != AcceptFailures.GIVE_UP) {
            delays.add(delay);
            now += delay;
            assertTrue(delays.size() < 100, "gives up in bounded time");
        }
        assertEquals(List.of(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1000L), delays.subList(0, 8));
        assertTrue(delays.stream().allMatch(d -> d > 0 && d <= AcceptFailures.MAX_DELAY_MILLIS));
        assertTrue(now - 50_000 >= AcceptFailures.GIVE_UP_AFTER_MILLIS && now - 50_000 < AcceptFailures.GIVE_UP_AFTER_MILLIS + 1_000,
                "gave up 10 s after the first failure: " + (now - 50_000));
        // Some 20 attempts in 10 s instead of a core's worth of them.
        assertTrue(delays.size() < 25, delays.toString());
    }

    @Test
    void theLogSaysItOnceThenOnceAnIntervalWithACountThenWhyItLeaves() {
        long now = 0;
        failures.failed(emfile, now);
        long delay;
        while ((delay = failures.failed(emfile, now)) != AcceptFailures.GIVE_UP) {
            now += delay;
        }
        assertTrue(logged.get(0).startsWith("accept keeps failing (Too many open files)"), logged.get(0));
        assertTrue(logged.get(1).matches("accept failed \\d+ more times in the last \\d+ ms \\(last: Too many open files\\)"),
                logged.get(1));
        assertTrue(logged.get(logged.size() - 1).contains("leaving so that the supervisor starts a fresh worker"));
        assertTrue(logged.size() <= 2 + (int) (AcceptFailures.GIVE_UP_AFTER_MILLIS / AcceptFailures.LOG_INTERVAL_MILLIS),
                "one line per interval: " + logged);
    }

    @Test
    void aSuccessEndsTheRunSaysSoAndStartsTheBackOffAfresh() {
        failures.failed(emfile, 0);
        assertEquals(10, failures.failed(emfile, 0));
        assertEquals(20, failures.failed(emfile, 10));
        failures.succeeded();
        assertEquals("accept works again after 3 failures in a row", logged.get(logged.size() - 1));
        assertEquals(0, failures.failed(emfile, 30_000));
        assertEquals(10, failures.failed(emfile, 30_000), "the back-off starts again from 10 ms");
    }
}
