package dev.prefork.adapter;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Engine settings as a JavaBean received them (an activation spec, the resource adapter): by canonical
 * key, remembering the property name each arrived under, so that a setting given under both spellings
 * ({@code max_servers} and {@code maxServers}) with different values can be reported.
 */
final class SettingValues {
    private final Map<String, String> values = new TreeMap<>();
    private final Map<String, String> spelledAs = new HashMap<>();
    private final Map<String, String> conflicts = new TreeMap<>();

    /** Records {@code value} for {@code key} as given under {@code propertyName}; {@code null} or blank unsets nothing. */
    synchronized void set(String key, String propertyName, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        String previous = values.put(key, value.trim());
        String previousName = spelledAs.put(key, propertyName);
        if (previous != null && !previous.equals(value.trim()) && !propertyName.equals(previousName)) {
            conflicts.put(key, previousName + "='" + previous + "' and " + propertyName + "='" + value.trim() + "'");
        }
    }

    synchronized String get(String key) {
        return values.get(key);
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
