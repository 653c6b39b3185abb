package dev.prefork.programs;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.ProgramSocket;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the settings ask the launcher to supervise, and the combinations refused before anything starts. */
class ProgramPlanTest {

    private static EngineConfig config(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return EngineConfig.fromMap(map);
    }

    @Test
    void programsAreNamedAfterTheirCommandAndRepeatedNamesNumbered() {
        ProgramPlan plan = ProgramPlan.of(config("program", "/usr/bin/sleep 300\nsleep 5\n  \nsh -c 'exit 3'"), key -> "test");
        assertNull(plan.pool());
        assertEquals(List.of("sleep", "sleep#2", "sh"), plan.programs().stream().map(ProgramSpec::name).toList());
        assertTrue(plan.ports().isEmpty(), "plain programs bind nothing");
    }

    @Test
    void aPoolKeepsMaxServersCopiesOnThePortsNamedForLISTEN_FDNAMES() {
        ProgramPlan plan = ProgramPlan.of(config("worker_program", "python3 /srv/app.py --fast", "max_servers", "3",
                "port", "127.0.0.1:0,127.0.0.1:0", "name", "web"), key -> "test");
        assertEquals(new ProgramSpec("python3", "python3 /srv/app.py --fast", 3, ProgramSocket.LISTEN_FDS), plan.pool());
        assertEquals(2, plan.ports().size());
        assertEquals("web", plan.socketName());
        assertTrue(ProgramPlan.requested(config("worker_program", "x")));
        ProgramPlan asNobody = ProgramPlan.of(config("program", "sleep 1", "user", "nobody", "group", "nogroup daemon"), key -> "test");
        assertEquals("nobody", asNobody.user());
        assertEquals("nogroup daemon", asNobody.group());
        assertFalse(ProgramPlan.requested(config("max_servers", "3")));
    }

    @Test
    void refusalsNameTheKeysValuesAndOrigins() {
        IllegalStateException stdin = assertThrows(IllegalStateException.class, () -> ProgramPlan.of(config("worker_program", "x",
                "program_socket", "stdin", "port", "127.0.0.1:1,127.0.0.1:2"), key -> "conf_file /etc/p.conf"));
        assertTrue(stdin.getMessage().contains("program_socket=stdin (from conf_file /etc/p.conf)"), stdin.getMessage());
        assertTrue(stdin.getMessage().contains("port='127.0.0.1:1,127.0.0.1:2'"), stdin.getMessage());
        IllegalStateException engineOnly = assertThrows(IllegalStateException.class, () -> ProgramPlan.of(config("program", "sleep 1",
                "max_requests", "10", "max_servers", "2"), key -> "conf_file /etc/p.conf", java.util.Set.of("program", "max_requests",
                "max_servers")));
        assertTrue(engineOnly.getMessage().startsWith("max_requests='10' (from conf_file /etc/p.conf) does not apply to"
                + " worker_program or program"), engineOnly.getMessage());
    }
}
