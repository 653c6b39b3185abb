package dev.prefork.engine.config;

/**
 * A setting has a value the engine cannot use. The message names the key, the value and what is
 * allowed, so it can be shown to an operator as it is.
 */
public final class ConfigException extends IllegalArgumentException {
    private final String key;
    private final String value;

    public ConfigException(String key, String value, String allowed) {
        super(key + "=" + quote(value) + " is not valid: " + allowed);
        this.key = key;
        this.value = value;
    }

    private static String quote(String value) {
        return value == null ? "(unset)" : "'" + value + "'";
    }

    /** The setting's key, e.g. {@code max_servers}. */
    public String key() {
        return key;
    }

    /** The rejected value as it was given. */
    public String value() {
        return value;
    }
}
