package dev.prefork.adapter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real SmallRye Config behind the adapter. Surefire sets PREFORK_ADAPTERTEST_MAX_SERVERS=7 and
 * PREFORK_ADAPTERTEST_LISTEN=99; a class loader over test resources holds a microprofile-config.properties.
 */
class PrivateConfigTest {

    @AfterEach
    void clearSystemProperties() {
        System.clearProperty("prefork.adaptertest.max_servers");
    }

    private static ClassLoader mdbClassLoader() {
        URL root = PrivateConfigTest.class.getResource("/adapter-test-config/");
        return new URLClassLoader(new URL[] {root}, null);
    }

    @Test
    void systemPropertiesWinOverEnvironmentWhichWinsOverTheMdbsPropertiesFile() throws Exception {
        System.setProperty("prefork.adaptertest.max_servers", "2");
        PrivateConfig config = PrivateConfig.forEndpoint(mdbClassLoader());

        assertEquals("2", config.find("prefork.adaptertest.max_servers").orElseThrow().value());
        assertEquals("SysPropConfigSource", config.find("prefork.adaptertest.max_servers").orElseThrow().sourceName());
        assertEquals("99", config.find("prefork.adaptertest.listen").orElseThrow().value());
        assertEquals("EnvConfigSource", config.find("prefork.adaptertest.listen").orElseThrow().sourceName());
        assertEquals("11", config.find("prefork.adaptertest.check_for_dead").orElseThrow().value());
        assertTrue(config.find("prefork.adaptertest.check_for_dead").orElseThrow().sourceName().contains("microprofile-config.properties"));
        assertTrue(config.find("prefork.adaptertest.serialize").isEmpty());
    }

    @Test
    void environmentVariablesUseTheMicroProfileNameMapping() throws Exception {
        PrivateConfig config = PrivateConfig.forEndpoint(null);
        assertEquals("7", config.find("prefork.adaptertest.max_servers").orElseThrow().value());
        assertEquals("PREFORK_ADAPTERTEST_MAX_SERVERS", SettingNames.environmentVariable("prefork.adaptertest.max_servers"));
    }

    @Test
    void aConfigIsBuiltPerActivationSoAChangedSystemPropertyAppliesNextTime() throws Exception {
        System.setProperty("prefork.adaptertest.max_servers", "4");
        assertEquals("4", PrivateConfig.forEndpoint(null).find("prefork.adaptertest.max_servers").orElseThrow().value());
        System.setProperty("prefork.adaptertest.max_servers", "5");
        EndpointSettings settings = SettingsResolver.resolve("adaptertest", Map.of(), Map.of(), PrivateConfig.forEndpoint(null));
        assertEquals(5, settings.config().maxServers());
    }
}
