package dev.prefork.adapter;

import dev.prefork.engine.config.Setting;
import dev.prefork.engine.config.SettingLayer;
import dev.prefork.engine.config.Settings;
import jakarta.resource.spi.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.beans.BeanInfo;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The activation spec's and the resource adapter's JavaBean properties are exactly the declared
 * settings, as servers find them by reflection: every declaration settable from a layer is a property
 * there, every property is a declaration, and each property's setter stores under its own name.
 */
class SettingsPropertiesTest {

    /**
     * The camelCase activation config names of the settings that had one before the settings were
     * declared as data: kept so that activation configs written with them still deploy. No server needs
     * them (see {@link #beanIntrospectionFindsTheNetServerNames}); new settings get none.
     */
    static final Set<String> ACTIVATION_ALIASES = Set.of("maxServers", "maxRequests", "maxRequestsJitter", "lockFile",
            "checkForDead", "gracefulShutdownTimeout", "javaHome", "workerJvmOptions", "workerCds", "runtimeDir");

    /** The writable properties of {@code bean} (as Jakarta Connectors servers introspect it), by name. */
    private static Map<String, PropertyDescriptor> writableProperties(Class<?> bean) throws Exception {
        BeanInfo info = Introspector.getBeanInfo(bean);
        Map<String, PropertyDescriptor> properties = new TreeMap<>();
        for (PropertyDescriptor property : info.getPropertyDescriptors()) {
            if (property.getWriteMethod() != null && !property.getName().equals("resourceAdapter")) {
                properties.put(property.getName(), property);
            }
        }
        return properties;
    }

    @Test
    void theActivationSpecsPropertiesAreTheDeclarationsUnderTheirKeysPlusTheOldAliases() throws Exception {
        Set<String> expected = new TreeSet<>();
        for (Setting<?> setting : Settings.all()) {
            if (setting.settableFrom(SettingLayer.ACTIVATION_CONFIG)) {
                expected.add(setting.key());
            }
        }
        expected.addAll(ACTIVATION_ALIASES);
        Map<String, PropertyDescriptor> properties = writableProperties(PreforkActivationSpec.class);
        assertEquals(expected, properties.keySet());
        for (PropertyDescriptor property : properties.values()) {
            PreforkActivationSpec spec = new PreforkActivationSpec();
            property.getWriteMethod().invoke(spec, "v-" + property.getName());
            String key = SettingNames.declaration(property.getName()).key();
            assertEquals(Map.of(key, "v-" + property.getName()), spec.settings(), property.getName());
            assertEquals(property.getName(), spec.values().propertyName(key), "the setter stores under its own name");
            assertNotNull(property.getReadMethod(), property.getName());
            assertEquals("v-" + property.getName(), property.getReadMethod().invoke(spec), property.getName());
        }
    }

    @Test
    void theAdaptersConfigPropertiesAreTheDeclarationsUnderTheirCamelCaseNames() throws Exception {
        Set<String> expected = new TreeSet<>();
        for (Setting<?> setting : Settings.all()) {
            if (setting.settableFrom(SettingLayer.ADAPTER_PROPERTY)) {
                expected.add(SettingNames.camelCase(setting.key()));
            }
        }
        Map<String, PropertyDescriptor> properties = writableProperties(PreforkResourceAdapter.class);
        assertEquals(expected, properties.keySet());
        assertFalse(expected.contains("name"), "name comes only from the activation config");
        for (PropertyDescriptor property : properties.values()) {
            assertNotNull(property.getWriteMethod().getAnnotation(ConfigProperty.class), "@ConfigProperty on " + property.getName());
            PreforkResourceAdapter adapter = new PreforkResourceAdapter();
            property.getWriteMethod().invoke(adapter, "v");
            String key = SettingNames.declaration(property.getName()).key();
            assertEquals(Map.of(key, "v"), adapter.settings(), property.getName());
            assertEquals(property.getName(), adapter.values().propertyName(key), "the setter stores under its own name");
            assertEquals("v", property.getReadMethod().invoke(adapter), property.getName());
        }
    }

    /**
     * What the README says about servers: WildFly and GlassFish find a property's setter as "set" plus
     * the name with its first letter capitalised, and bean introspection (the JDK's Introspector)
     * names the property after the setter with its first letter lowered: both give the Net::Server name.
     */
    @Test
    void beanIntrospectionFindsTheNetServerNames() throws Exception {
        PropertyDescriptor maxServers = writableProperties(PreforkActivationSpec.class).get("max_servers");
        assertNotNull(maxServers);
        assertEquals("setMax_servers", maxServers.getWriteMethod().getName());
    }

    @Test
    void aSetterThatMatchesNoDeclarationFailsAtOnce() {
        SettingValues values = new SettingValues(SettingLayer.ADAPTER_PROPERTY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> values.set("name", "calc"));
        assertTrue(e.getMessage().contains("name is no setting that can be set as a resource adapter config property"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> values.set("maxServer", "4"));
    }
}
