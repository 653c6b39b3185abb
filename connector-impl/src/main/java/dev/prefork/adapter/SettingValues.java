package dev.prefork.adapter;

import dev.prefork.engine.config.Setting;
import dev.prefork.engine.config.SettingLayer;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Engine settings as a JavaBean received them (an activation spec, the resource adapter): the store
 * behind every one-line property setter, keyed by the setting's declaration. It remembers the property
 * name each value arrived under, so that a setting given under both spellings ({@code max_servers} and
 * {@code maxServers}) with different values can be reported.
 */
final class SettingValues {
    private final SettingLayer layer;
    private final Map<String, String> values = new TreeMap<>();
    private final Map<String, String> spelledAs = new HashMap<>();
    private final Map<String, String> conflicts = new TreeMap<>();

    /** A store for the properties of {@code layer}: it takes only settings declared settable from there. */
    SettingValues(SettingLayer layer) {
        this.layer = layer;
    }

    /**
     * Records {@code value} as given under {@code propertyName} (either spelling of a setting's key);
     * {@code null} or blank unsets nothing.
     *
     * @throws IllegalArgumentException when the property names no setting settable from this layer: a
     *                                  setter that does not match a declaration
     */
    synchronized void set(String propertyName, String value) {
        String key = key(propertyName);
        if (value == null || value.isBlank()) {
            return;
        }
        String previous = values.put(key, value.trim());
        String previousName = spelledAs.put(key, propertyName);
        if (previous != null && !previous.equals(value.trim()) && !propertyName.equals(previousName)) {
            conflicts.put(key, previousName + "='" + previous + "' and " + propertyName + "='" + value.trim() + "'");
        }
    }

    /** The value set under either spelling of {@code propertyName}'s setting, or {@code null}. */
    synchronized String get(String propertyName) {
        return values.get(key(propertyName));
    }

    private String key(String propertyName) {
        Setting<?> setting = SettingNames.declaration(propertyName);
        if (setting == null || !setting.settableFrom(layer)) {
            throw new IllegalArgumentException(propertyName + " is no setting that can be set as a " + layer.label());
        }
        return setting.key();
    }

    /** The property name the value of {@code key} arrived under. */
    synchronized String propertyName(String key) {
        return spelledAs.getOrDefault(key, key);
    }

    /** Every set value by canonical key. */
    synchronized Map<String, String> asMap() {
        return Map.copyOf(values);
    }

    /** Settings given twice with different values under both spellings: key to a description of both. */
    synchronized Map<String, String> conflicts() {
        return Map.copyOf(conflicts);
    }
}
