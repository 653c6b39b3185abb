package dev.prefork.engine.config;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

    @Test
    void theSettingsARunningPoolCanTakeAreMarked() {
        List<String> live = new ArrayList<>();
        for (Setting<?> setting : Settings.all()) {
            if (setting.isChangeableWhileRunning()) {
                live.add(setting.key());
            }
        }
        assertEquals(List.of("max_servers", "max_requests", "max_requests_jitter", "graceful_shutdown_timeout", "max_clients",
                "first_byte_timeout", "max_wait"), live);
        assertEquals(java.util.Set.copyOf(live), dev.prefork.engine.LiveRetune.LIVE_KEYS);
    }

    @Test
    void nameComesOnlyFromTheActivationConfigOrTheCommandLineAndTheDaemonDutiesOnlyFromTheCommandLine() {
        assertEquals(EnumSet.of(SettingLayer.ACTIVATION_CONFIG, SettingLayer.COMMAND_LINE), Settings.NAME.layers());
        // The standalone launcher's daemon duties make no sense inside an application server.
        Set<String> launcherOnly = Set.of("pid_file", "log_file", "log_level", "user", "group", "background", "setsid",
                "chroot", "sig_passthrough", "dequeue_command", "syslog_ident", "syslog_facility", "syslog_logsock",
                "syslog_logopt", "launcher_jvm_options", "worker_program", "program_socket", "program", "crash_limit",
                "exit_command");
        for (String key : launcherOnly) {
            assertEquals(EnumSet.of(SettingLayer.COMMAND_LINE), Settings.byKey(key).layers(), key);
        }
        // A dequeue schedule is one MDB's or bean's (it must implement PreforkDequeue): never adapter-wide.
        Set<String> perEndpoint = Set.of("check_for_dequeue", "max_dequeue");
        for (String key : perEndpoint) {
            assertEquals(EnumSet.of(SettingLayer.ENDPOINT_MP_CONFIG, SettingLayer.ACTIVATION_CONFIG, SettingLayer.COMMAND_LINE),
                    Settings.byKey(key).layers(), key);
        }
        for (Setting<?> setting : Settings.all()) {
            if (setting != Settings.NAME && !launcherOnly.contains(setting.key()) && !perEndpoint.contains(setting.key())) {
                assertEquals(EnumSet.complementOf(EnumSet.of(SettingLayer.DEFAULT)), setting.layers(), setting.key());
            }
        }
    }

    @Test
    void everyDeclarationIsFoundByItsKeyAndItsDefaultIsTheEnginesDefault() {
        EngineConfig defaults = EngineConfig.fromMap(java.util.Map.of());
        for (Setting<?> setting : Settings.all()) {
            assertEquals(setting, Settings.byKey(setting.key()));
            if (!setting.defaultValue().isEmpty() && setting != Settings.PORT) {
                assertEquals(setting.defaultValue(), defaults.toMap().get(setting.key()), setting.key());
            }
        }
        assertEquals("*:20203", defaults.toMap().get("port"));
        assertNull(Settings.byKey("maxServers"));
    }

    @Test
    void aDeclarationParsesAndSaysWhatIsAllowed() {
        Setting<Integer> limit = Setting.integer("some_limit", 2, 9).byDefault("3").means("a limit");
        assertEquals(3, limit.parse(null));
        assertEquals(7, limit.parse(" 7 "));
        assertEquals("2 to 9", limit.allowed());
        ConfigException e = assertThrows(ConfigException.class, () -> limit.parse("10"));
        assertEquals("some_limit='10' is not valid: must be a whole number from 2 to 9", e.getMessage());
        assertEquals("flock, semaphore, pipe or none", Settings.SERIALIZE.allowed());
        assertEquals(Set.of(SettingLayer.COMMAND_LINE), limit.onlyFrom(SettingLayer.COMMAND_LINE).layers());
        assertThrows(IllegalArgumentException.class, () -> Setting.integer("someLimit", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> limit.onlyFrom(SettingLayer.DEFAULT));
    }

    @Test
    void unknownKeysAreRefusedListingTheDeclaredOnes() {
        ConfigException e = assertThrows(ConfigException.class, () -> EngineConfig.builder().set("max_server", "4").build());
        assertEquals("max_server", e.key());
        assertTrue(e.getMessage().contains("unknown setting; known settings are " + Settings.keys()), e.getMessage());
    }
}
