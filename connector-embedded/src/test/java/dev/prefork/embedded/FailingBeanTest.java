package dev.prefork.embedded;

import dev.prefork.embedded.junit.LineClient;
import dev.prefork.embedded.junit.PreforkTest;
import dev.prefork.engine.WorkerSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Through the test kit: a bean that throws costs only the connection it was serving. */
@PreforkTest(FailingListener.class)
class FailingBeanTest {

    @AfterEach
    void killLeftovers() {
        Leftovers.killDescendants();
    }

    @Test
    void aThrowingBeanCostsOnlyItsConnection(ListenerPool pool) throws Exception {
        assertEquals(2, pool.settings().config().maxServers(), "@PreforkTest's default of 2 workers");
        assertTrue(pool.settings().describe().contains("port=127.0.0.1:0 (MicroProfile Config prefork.failing.port from @PreforkTest)"),
                pool.settings().describe());
        List<Long> workersBefore = pool.snapshot().workers().stream().map(WorkerSnapshot::pid).sorted().toList();

        try (LineClient bystander = LineClient.connect(pool); LineClient victim = LineClient.connect(pool)) {
            assertEquals("before", bystander.ask("before"));
            assertEquals("still fine", victim.ask("still fine"));
            victim.send("boom");
            assertNull(victim.readLine(), "the failing connection is closed");
            assertEquals("after", bystander.ask("after"), "the other connection, served meanwhile, is untouched");
        }
        try (LineClient next = LineClient.connect(pool)) {
            assertEquals("next", next.ask("next"));
        }
        assertTrue(pool.isRunning());
        assertEquals(workersBefore, pool.snapshot().workers().stream().map(WorkerSnapshot::pid).sorted().toList(),
                "no worker process was lost or replaced");
    }
}
