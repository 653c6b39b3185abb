package dev.prefork.sample;

import dev.prefork.embedded.ListenerPool;
import dev.prefork.embedded.junit.LineClient;
import dev.prefork.embedded.junit.PreforkTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The calculator MDB, unchanged, served by two real worker processes on a free port through the test kit. */
@PreforkTest(CalculatorBean.class)
class CalculatorBeanTest {

    @Test
    void answersOverTcp(ListenerPool calculator) throws IOException {
        try (LineClient client = LineClient.connect(calculator)) {
            assertEquals("42", client.ask("6*7"));
            assertEquals("error: Illegal division by zero", client.ask("1/0"));
            assertEquals("27", client.ask("(1+2)**3"), "an error leaves the connection usable");
        }
    }

    @Test
    void runsWithTheSettingsTheApplicationShips(ListenerPool calculator) throws Exception {
        assertEquals("calculator", calculator.name());
        assertEquals(2, calculator.snapshot().workers().size());
        String described = calculator.settings().describe();
        // META-INF/microprofile-config.properties in this module, as on WildFly
        assertTrue(described.contains("max_requests=500 (MicroProfile Config prefork.calculator.max_requests from PropertiesConfigSource"), described);
    }
}
