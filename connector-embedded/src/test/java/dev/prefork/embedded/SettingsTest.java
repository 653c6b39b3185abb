package dev.prefork.embedded;

import jakarta.enterprise.inject.spi.DeploymentException;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adapter's precedence and validation, with the application's own MicroProfile Config. */
class SettingsTest {

    @AfterEach
    void killLeftovers() {
        Leftovers.killDescendants();
    }

    @Test
    void microProfileConfigOverridesTheAnnotation() throws Exception {
        // The build sets PREFORK_ENVOVERRIDE_MAX_SERVERS=3 (surefire environmentVariables); the annotation says 1.
        try (WeldContainer container = Containers.weld(Map.of()).addBeanClass(EnvOverrideListener.class).initialize()) {
            ListenerPool pool = container.select(PreforkExtension.class).get().pool(EnvOverrideListener.class).orElseThrow();
            String described = pool.settings().describe();
            assertTrue(described.contains("max_servers=3 (MicroProfile Config prefork.envoverride.max_servers from EnvConfigSource"), described);
            assertTrue(described.contains("max_requests=77 (activation config property max_requests)"), described);
            assertEquals(3, pool.snapshot().workers().size(), "three workers run");
        }
    }

    @Test
    void aBadSettingFailsTheContainerStartNamingKeyValueAndSource() throws Exception {
        DeploymentException failure = assertThrows(DeploymentException.class,
                () -> Containers.weld(Map.of()).addBeanClass(BadSettingListener.class).addBeanClass(EnvOverrideListener.class).initialize().close());
        String message = failure.getMessage();
        assertTrue(message.contains(BadSettingListener.class.getName()), message);
        assertTrue(message.contains("max_servers='0' is not valid"), message);
        assertTrue(message.contains("[set by activation config property max_servers]"), message);
        assertEquals(0, ProcessHandle.current().descendants().count(), "no pool was started, not even the good bean's");
    }

    @Test
    void aSettingFromMicroProfileConfigIsReportedWithItsSource() {
        DeploymentException failure = assertThrows(DeploymentException.class,
                () -> Containers.weld(Map.of("prefork.envoverride.listen", "-5")).addBeanClass(EnvOverrideListener.class).initialize().close());
        String message = failure.getMessage();
        assertTrue(message.contains("listen='-5' is not valid"), message);
        assertTrue(message.contains("[set by MicroProfile Config prefork.envoverride.listen from the test]"), message);
    }

    @Test
    void checkForDequeueOnABeanWithoutRunDequeueFailsTheStartNamingKeyValueAndSource() {
        DeploymentException failure = assertThrows(DeploymentException.class,
                () -> Containers.weld(Map.of("prefork.envoverride.check_for_dequeue", "5", "prefork.envoverride.max_dequeue", "1"))
                        .addBeanClass(EnvOverrideListener.class).initialize().close());
        String message = failure.getMessage();
        assertTrue(message.contains("check_for_dequeue='5' is not valid: " + EnvOverrideListener.class.getName()
                + " does not implement dev.prefork.api.PreforkDequeue"), message);
        assertTrue(message.contains("[set by MicroProfile Config prefork.envoverride.check_for_dequeue from the test]"), message);
        assertEquals(0, ProcessHandle.current().descendants().count(), "no pool was started");
    }
}
