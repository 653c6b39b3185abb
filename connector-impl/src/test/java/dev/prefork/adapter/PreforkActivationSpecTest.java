package dev.prefork.adapter;

import dev.prefork.engine.config.Setting;
import dev.prefork.engine.config.SettingLayer;
import dev.prefork.engine.config.Settings;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreforkActivationSpecTest {

    @Test
    void validSettingsPassAndReachTheSettingsMapUnderTheirCanonicalNames() {
        PreforkActivationSpec spec = new PreforkActivationSpec();
        spec.setPort("127.0.0.1:20204");
        spec.setMax_servers("4");
        spec.setMaxRequests("100");
        assertDoesNotThrow(spec::validate);
        assertEquals("4", spec.settings().get("max_servers"));
        assertEquals("100", spec.settings().get("max_requests"));
    }

    @Test
    void aBadValueIsRejectedNamingThePropertyAsItWasGiven() {
        PreforkActivationSpec spec = new PreforkActivationSpec();
        spec.setMax_servers("0");
        InvalidPropertyException e = assertThrows(InvalidPropertyException.class, spec::validate);
        assertTrue(e.getMessage().contains("max_servers='0'"), e.getMessage());
        assertEquals("max_servers", e.getInvalidPropertyDescriptors()[0].getName());

        PreforkActivationSpec camel = new PreforkActivationSpec();
        camel.setCheckForDead("soon");
        InvalidPropertyException e2 = assertThrows(InvalidPropertyException.class, camel::validate);
        assertTrue(e2.getMessage().startsWith("Prefork Connector activation config: checkForDead ("), e2.getMessage());
        assertEquals("checkForDead", e2.getInvalidPropertyDescriptors()[0].getName());
    }

    @Test
    void aBadPortIsRejected() {
        PreforkActivationSpec spec = new PreforkActivationSpec();
        spec.setPort("70000");
        InvalidPropertyException e = assertThrows(InvalidPropertyException.class, spec::validate);
        assertTrue(e.getMessage().contains("port='70000'"), e.getMessage());
    }

    /**
     * proxy_protocol in the MDB's activation config, its balancers (proxy_allow) from another layer: the
     * operator's MicroProfile Config names each environment's. Each value is checked on its own here;
     * SettingsResolverTest shows the pair is still required once the layers are merged.
     */
    @Test
    void proxyProtocolWithoutProxyAllowInTheSameLayerIsValidOnItsOwn() throws Exception {
        PreforkActivationSpec spec = new PreforkActivationSpec();
        spec.setProxy_protocol("v2");
        spec.validate();
        spec.setProxy_protocol("v3");
        InvalidPropertyException e = assertThrows(InvalidPropertyException.class, spec::validate);
        assertTrue(e.getMessage().contains("proxy_protocol='v3'"), e.getMessage());
    }

    @Test
    void bothSpellingsWithDifferentValuesConflict() {
        PreforkActivationSpec spec = new PreforkActivationSpec();
        spec.setMax_servers("4");
        spec.setMaxServers("8");
        InvalidPropertyException e = assertThrows(InvalidPropertyException.class, spec::validate);
        assertTrue(e.getMessage().contains("max_servers is given twice with different values: max_servers='4' and maxServers='8'"), e.getMessage());
    }

    /** Guards against an engine setting added later without a property for it. */
    @Test
    void everyEngineSettingIsAnActivationPropertyInBothSpellingsAndAnAdapterConfigProperty() throws Exception {
        for (Setting<?> declaration : Settings.all()) {
            String key = declaration.key();
            String camel = SettingNames.camelCase(key);
            if (declaration.settableFrom(SettingLayer.ACTIVATION_CONFIG)) {
                assertNotNull(PreforkActivationSpec.class.getMethod(setter(key), String.class), key);
            }
            // The aliases stay for the settings that had one; new settings need none (see SettingsPropertiesTest).
            if (SettingsPropertiesTest.ACTIVATION_ALIASES.contains(camel)) {
                assertNotNull(PreforkActivationSpec.class.getMethod(setter(camel), String.class), camel);
            }
            if (declaration.settableFrom(SettingLayer.ADAPTER_PROPERTY)) {
                Method adapterSetter = PreforkResourceAdapter.class.getMethod(setter(camel), String.class);
                assertNotNull(adapterSetter.getAnnotation(ConfigProperty.class), "@ConfigProperty on " + adapterSetter);
                PreforkResourceAdapter adapter = new PreforkResourceAdapter();
                adapterSetter.invoke(adapter, "x");
                assertEquals("x", adapter.settings().get(key), key);
                // The console shows the description: it must repeat no default, which could drift from the
                // declaration's; it is one text for all properties, pointing to the settings table.
                String description = adapterSetter.getAnnotation(ConfigProperty.class).description()[0];
                assertEquals(PreforkResourceAdapter.ABOUT, description, key);
                assertFalse(description.contains("Default:"), key + ": " + description);
            }
        }
    }

    private static String setter(String property) {
        return "set" + Character.toUpperCase(property.charAt(0)) + property.substring(1);
    }
}
