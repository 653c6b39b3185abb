package dev.prefork.embedded;

import dev.prefork.embedded.beans.EchoListener;
import dev.prefork.embedded.beans.PoolEvents;
import dev.prefork.embedded.beans.UpperListener;
import dev.prefork.embedded.junit.LineClient;
import jakarta.ejb.MessageDriven;
import org.jboss.weld.bootstrap.spi.BeanDiscoveryMode;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Discovery as {@link Main} does it (annotated mode, {@code @MessageDriven} counted as bean-defining):
 * two plain MDB classes become two pools on two ports, the pool events reach an application observer,
 * and closing the container leaves nothing.
 */
class DiscoveryTest {
    @TempDir
    Path runtimeDir;

    @AfterEach
    void killLeftovers() {
        Leftovers.killDescendants();
    }

    @Test
    void twoDiscoveredBeansServeOnTwoPortsAndCloseLeavesNothing() throws Exception {
        PoolEvents.SEEN.clear();
        Leftovers leftovers = new Leftovers(runtimeDir);
        List<String> events;
        try (WeldContainer container = Containers.weld(Map.of("prefork.runtime_dir", runtimeDir.toString()))
                .setBeanDiscoveryMode(BeanDiscoveryMode.ANNOTATED)
                .addBeanDefiningAnnotations(MessageDriven.class)
                .addPackage(false, EchoListener.class)
                .initialize()) {
            PreforkExtension host = container.select(PreforkExtension.class).get();
            assertEquals(List.of("echo-test", "upper-test"), host.pools().stream().map(ListenerPool::name).sorted().toList());
            ListenerPool echo = host.pool(EchoListener.class).orElseThrow();
            ListenerPool upper = host.pool(UpperListener.class).orElseThrow();
            assertNotEquals(echo.port(), upper.port());
            assertTrue(echo.awaitAccepting(Duration.ofSeconds(60)) && upper.awaitAccepting(Duration.ofSeconds(60)));
            assertFalse(container.select(dev.prefork.embedded.beans.Helper.class).isResolvable(),
                    "a class without a bean-defining annotation must not become a bean");

            try (LineClient client = LineClient.connect(echo)) {
                assertEquals("hello", client.ask("hello"));
            }
            try (LineClient client = LineClient.connect(upper)) {
                assertEquals("welcome", client.readLine(), "the injected MicroProfile Config value");
                assertEquals("HELLO", client.ask("hello"));
            }
            assertEquals(2, echo.snapshot().workers().size());
            assertEquals(1, upper.snapshot().workers().size(), "maxServers, the camelCase alias, applies");
            assertTrue(PoolEvents.SEEN.containsAll(List.of("started echo-test " + echo.port(), "started upper-test " + upper.port())),
                    PoolEvents.SEEN.toString());

            leftovers.processesBelow(ProcessHandle.current()).port(echo.port()).port(upper.port());
            assertEquals(2 + 2 + 1, leftovers.processCount(), "two supervisors, three workers");
        } finally {
            events = List.copyOf(PoolEvents.SEEN);
        }
        assertTrue(events.containsAll(List.of("stopping echo-test running=true", "stopping upper-test running=true")), events.toString());
        leftovers.assertNoneLeft();
    }
}
