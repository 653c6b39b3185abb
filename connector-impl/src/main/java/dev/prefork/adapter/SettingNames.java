package dev.prefork.adapter;

import dev.prefork.engine.config.Setting;
import dev.prefork.engine.config.Settings;

import java.util.Locale;

/**
 * The spellings of an engine setting, all derived from its key. The canonical name is Net::Server's
 * ({@code max_servers}): the activation config property, and under {@code prefork.} the MicroProfile
 * Config key. The camelCase form ({@code maxServers}) is the resource adapter's config property (the
 * JavaBean name of its {@code @ConfigProperty} setter), and for the settings that had one before,
 * an alias of the activation config property.
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

    /** The declaration a property name in either spelling names, or {@code null} when it names no setting. */
    static Setting<?> declaration(String propertyName) {
        Setting<?> setting = Settings.byKey(propertyName);
        if (setting != null) {
            return setting;
        }
        for (Setting<?> declared : Settings.all()) {
            if (camelCase(declared.key()).equals(propertyName)) {
                return declared;
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
