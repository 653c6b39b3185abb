package dev.prefork.adapter;

import dev.prefork.engine.config.EngineConfig;

import java.util.Locale;

/**
 * The spellings of an engine setting. The canonical name is Net::Server's ({@code max_servers});
 * the camelCase alias ({@code maxServers}) exists for tools and servers that only take Java bean
 * property names. MicroProfile Config keys use the canonical name under {@code prefork.}.
 */
final class SettingNames {
    static final String MP_PREFIX = "prefork.";

    private SettingNames() {
    }

    /** {@code max_servers} becomes {@code maxServers}; names without underscores stay as they are. */
    static String camelCase(String key) {
        StringBuilder camel = new StringBuilder(key.length());
        boolean upper = false;
        for (char c : key.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                camel.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return camel.toString();
    }

    /** The canonical key for a property name in either spelling, or {@code null} when it names no setting. */
    static String canonical(String propertyName) {
        if (EngineConfig.DESCRIPTIONS.containsKey(propertyName)) {
            return propertyName;
        }
        for (String key : EngineConfig.DESCRIPTIONS.keySet()) {
            if (camelCase(key).equals(propertyName)) {
                return key;
            }
        }
        return null;
    }

    /** {@code prefork.max_servers}: the key for every endpoint. */
    static String globalKey(String key) {
        return MP_PREFIX + key;
    }

    /** {@code prefork.calculator.max_servers}: the key for one endpoint. */
    static String endpointKey(String endpoint, String key) {
        return MP_PREFIX + endpoint + "." + key;
    }

    /** The environment variable MicroProfile Config maps a key to: {@code PREFORK_MAX_SERVERS}. */
    static String environmentVariable(String mpKey) {
        return mpKey.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
