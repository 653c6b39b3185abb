package dev.prefork.adapter;

import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.SettingLayer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsResolverTest {

    /** MicroProfile Config with fixed contents, each value from a source named "test". */
    private static ConfigLookup mp(Map<String, String> values) {
        return key -> Optional.ofNullable(values.get(key)).map(v -> new ConfigLookup.Found(v, "test"));
    }

    private static ResolvedSetting setting(EndpointSettings settings, String key) {
        return settings.settings().stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void eachLayerWinsOverEveryLayerBelowIt() {
        Map<String, String> endpointMp = Map.of("prefork.calc.max_servers", "5");
        Map<String, String> activation = new HashMap<>(Map.of("max_servers", "6", "max_requests", "60"));
        Map<String, String> adapter = Map.of("max_servers", "7", "max_requests", "70", "listen", "77");
        Map<String, String> globalMp = Map.of("prefork.max_servers", "8", "prefork.max_requests", "80",
                "prefork.listen", "88", "prefork.check_for_dead", "9");
        Map<String, String> mp = new HashMap<>(endpointMp);
        mp.putAll(globalMp);

        EndpointSettings settings = SettingsResolver.resolve("calc", activation, adapter, mp(mp));

        assertEquals(5, settings.config().maxServers());
        assertEquals(SettingLayer.ENDPOINT_MP_CONFIG, setting(settings, "max_servers").layer());
        assertEquals(60, settings.config().maxRequests());
        assertEquals(SettingLayer.ACTIVATION_CONFIG, setting(settings, "max_requests").layer());
        assertEquals(77, settings.config().listen());
        assertEquals(SettingLayer.ADAPTER_PROPERTY, setting(settings, "listen").layer());
        assertEquals(9, settings.config().checkForDead());
        assertEquals(SettingLayer.GLOBAL_MP_CONFIG, setting(settings, "check_for_dead").layer());
        assertEquals(10, settings.config().gracefulShutdownTimeout());
        assertEquals(SettingLayer.DEFAULT, setting(settings, "graceful_shutdown_timeout").layer());
    }

    @Test
    void perEndpointKeysOfAnotherEndpointDoNotApply() {
        EndpointSettings settings = SettingsResolver.resolve("calc", Map.of(), Map.of(),
                mp(Map.of("prefork.echo.max_servers", "3")));
        assertEquals(SettingLayer.DEFAULT, setting(settings, "max_servers").layer());
        assertEquals(50, settings.config().maxServers());
    }

    @Test
    void blankValuesInActivationAndAdapterLayersCountAsUnset() {
        EndpointSettings settings = SettingsResolver.resolve("calc", Map.of("max_servers", " "),
                Map.of("max_servers", ""), mp(Map.of("prefork.max_servers", "12")));
        assertEquals(12, settings.config().maxServers());
    }

    @Test
    void theNameComesFromTheEndpointNotFromMicroProfileConfig() {
        EndpointSettings settings = SettingsResolver.resolve("calc", Map.of("name", "calc"), Map.of(),
                mp(Map.of("prefork.name", "other", "prefork.calc.name", "other")));
        assertEquals("calc", settings.config().name());
    }

    @Test
    void aBadValueIsReportedWithTheKeyTheValueAndWhereItCameFrom() {
        ConfigException e = assertThrows(ConfigException.class, () -> SettingsResolver.resolve("calc",
                Map.of(), Map.of(), mp(Map.of("prefork.calc.max_servers", "lots"))));
        assertEquals("max_servers", e.key());
        assertTrue(e.getMessage().contains("'lots'"), e.getMessage());
        assertTrue(e.getMessage().contains("MicroProfile Config prefork.calc.max_servers from test"), e.getMessage());
    }

    /** The rule between two settings applies to the merged layers: proxy_protocol from one, proxy_allow from another. */
    @Test
    void proxyProtocolNeedsProxyAllowFromAnyLayer() {
        EndpointSettings settings = SettingsResolver.resolve("calc", Map.of("proxy_protocol", "v2"), Map.of(),
                mp(Map.of("prefork.calc.proxy_allow", "10.0.0.0/24")));
        assertEquals("10.0.0.0/24", settings.config().get(dev.prefork.engine.config.Settings.PROXY_ALLOW));
        ConfigException e = assertThrows(ConfigException.class, () -> SettingsResolver.resolve("calc",
                Map.of("proxy_protocol", "v2"), Map.of(), mp(Map.of())));
        assertTrue(e.getMessage().contains("needs proxy_allow"), e.getMessage());
    }

    @Test
    void theDescriptionListsEverySettingWithItsOrigin() {
        EndpointSettings settings = SettingsResolver.resolve("calc", Map.of("port", "127.0.0.1:0"), Map.of(),
                mp(Map.of("prefork.max_requests", "9")));
        String text = settings.describe();
        assertTrue(text.contains("port=127.0.0.1:0 (activation config property port)"), text);
        assertTrue(text.contains("max_requests=9 (MicroProfile Config prefork.max_requests from test)"), text);
        assertTrue(text.contains("serialize=flock (default)"), text);
    }

    @Test
    void annotationPropertiesInEitherSpellingResolveWithoutAnAdapterLayer() {
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put("name", "calc");
        properties.put("maxServers", "3");
        properties.put("max_requests", "40");
        properties.put("destinationType", "jakarta.jms.Queue");   // not ours: ignored, as a server would
        EndpointSettings settings = SettingsResolver.resolveActivationConfig("calc", properties,
                mp(Map.of("prefork.calc.max_requests", "41", "prefork.listen", "99")));
        assertEquals(3, settings.config().maxServers());
        assertEquals("activation config property max_servers", setting(settings, "max_servers").origin());
        assertEquals(41, settings.config().maxRequests());
        assertEquals(SettingLayer.ENDPOINT_MP_CONFIG, setting(settings, "max_requests").layer());
        assertEquals(SettingLayer.GLOBAL_MP_CONFIG, setting(settings, "listen").layer());
        assertEquals("activation config property name", setting(settings, "name").origin());
    }

    @Test
    void oneSettingUnderBothSpellingsWithDifferentValuesIsRejected() {
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put("max_servers", "3");
        properties.put("maxServers", "4");
        ConfigException e = assertThrows(ConfigException.class,
                () -> SettingsResolver.resolveActivationConfig("calc", properties, mp(Map.of())));
        assertEquals("max_servers", e.key());
        assertTrue(e.getMessage().contains("max_servers='3' and maxServers='4'"), e.getMessage());
    }
}
