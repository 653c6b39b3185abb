package dev.prefork.embedded;

import dev.prefork.adapter.ConfigLookup;
import dev.prefork.adapter.EndpointSettings;
import dev.prefork.adapter.SettingsResolver;
import dev.prefork.engine.config.EngineConfig;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a listener bean's settings from its {@code @MessageDriven(activationConfig = ...)}, the same
 * annotation an application server reads, so one class is both an MDB and an SE bean; the resolution
 * itself (MicroProfile Config over the annotation over defaults) is the adapter's
 * {@link SettingsResolver}. Deployment descriptors ({@code ejb-jar.xml}) are not read here.
 */
final class ListenerSettings {
    /** What the engine accepts in a name; the adapter derives an unnamed MDB's name the same way. */
    private static final String NOT_IN_A_NAME = "[^A-Za-z0-9._-]";

    private ListenerSettings() {
    }

    /**
     * @throws dev.prefork.engine.config.ConfigException naming the setting, its value and where it came from
     */
    static EndpointSettings resolve(Class<?> beanClass, ConfigLookup mpConfig) {
        return SettingsResolver.resolveActivationConfig(endpointName(beanClass), activationConfig(beanClass), mpConfig);
    }

    /** The activation config property {@code name}, else the class's simple name cut down to what a name may contain. */
    static String endpointName(Class<?> beanClass) {
        String name = activationConfig(beanClass).get(EngineConfig.NAME);
        if (name != null && !name.isBlank()) {
            return name.trim();
        }
        String safe = beanClass.getSimpleName().replaceAll(NOT_IN_A_NAME, "_");
        return safe.isEmpty() ? "prefork" : safe;
    }

    /** The activation config properties, in the order written; a later duplicate wins, as it would in a server. */
    static Map<String, String> activationConfig(Class<?> beanClass) {
        Map<String, String> properties = new LinkedHashMap<>();
        MessageDriven messageDriven = beanClass.getAnnotation(MessageDriven.class);
        if (messageDriven != null) {
            for (ActivationConfigProperty property : messageDriven.activationConfig()) {
                properties.put(property.propertyName(), property.propertyValue());
            }
        }
        return properties;
    }
}
