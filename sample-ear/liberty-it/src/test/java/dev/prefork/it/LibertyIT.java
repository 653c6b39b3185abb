package dev.prefork.it;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared scenarios on Open Liberty, on {@code server.java.home} (the build runs them twice: on JDK 17,
 * where the workers relay and run on the build's JDK through prefork.java_home, and on the build's JDK 22+,
 * where descriptors are passed), plus Liberty's own tuning path: {@code <activationSpec>} properties.
 */
class LibertyIT extends SampleScenarios {
    private LibertyServer liberty;

    @Override
    protected AppServer createServer() {
        Path javaHome = Path.of(System.getProperty("server.java.home"));
        liberty = new LibertyServer(
                Path.of(System.getProperty("liberty.home")),
                javaHome,
                Path.of(System.getProperty("liberty.user.dir")),
                "it" + featureVersion(javaHome),
                Integer.getInteger("it.http.port"),
                Path.of(System.getProperty("sample.ear")),
                serverJvmOptions(javaHome),
                testSettings());
        return liberty;
    }

    @Test
    @Order(55)
    @Tag(SERVER_CONFIG)
    void anActivationSpecPropertyChangedInServerXmlRestartsTheApplicationWithTheNewSettings() throws Exception {
        try (LineClient connected = new LineClient(ECHO_PORT)) {
            assertEquals("before", connected.ask("before"));
            long started = System.nanoTime();
            liberty.activationSpecProperty("EchoBean", "gracefulShutdownTimeout", "2");
            System.out.printf("[%s] activation spec change applied in %d ms%n", server.name(), millisSince(started));
            // The connection in flight is the one lost: the old pool ended it when the application stopped.
            assertTrue(connected.closedByServer(), "the connection in flight was ended by the restart");
        }
        awaitPools(Map.of("calculator", 4, "echo", echoWorkers));
        // Liberty sets the property through the bean's setter of the Net::Server name.
        assertTrue(logText().contains("graceful_shutdown_timeout=2 (activation config property graceful_shutdown_timeout)"),
                "the echo endpoint came back with the activation spec's setting");
        try (LineClient client = new LineClient(ECHO_PORT)) {
            assertEquals("after", client.ask("after"));
        }
    }
}
