package dev.prefork.programs;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The back-off after quick exits, the crash-loop limit, and what resets them. */
class RestartPolicyTest {

    @Test
    void quickExitsBackOffDoublingUntilTheLimitGivesUp() {
        RestartPolicy policy = new RestartPolicy(4);
        assertEquals(250, policy.exited(10));
        assertEquals(500, policy.exited(10));
        assertEquals(1000, policy.exited(9_999));
        assertEquals(RestartPolicy.GIVE_UP, policy.exited(0));
    }

    @Test
    void aLongRunStartsAgainAtOnceAndForgetsEarlierCrashes() {
        RestartPolicy policy = new RestartPolicy(3);
        policy.exited(10);
        policy.exited(10);
        assertEquals(0, policy.exited(RestartPolicy.QUICK_MILLIS));
        assertEquals(250, policy.exited(10), "counting starts again");
        policy.reset();
        assertEquals(250, policy.exited(10), "SIGHUP's reset forgets too");
    }

    @Test
    void withoutALimitTheBackOffStopsGrowingAtThirtySeconds() {
        RestartPolicy policy = new RestartPolicy(0);
        long last = 0;
        for (int i = 0; i < 100; i++) {
            last = policy.exited(0);
        }
        assertEquals(30_000, last);
    }
}
