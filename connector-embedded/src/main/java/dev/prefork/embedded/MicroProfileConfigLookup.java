package dev.prefork.embedded;

import dev.prefork.adapter.ConfigLookup;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

import java.util.Map;
import java.util.Optional;

/**
 * The application's MicroProfile Config (the one its beans inject) as the adapter's settings resolution
 * reads it, optionally under a few fixed keys that win over every config source (what a test kit sets:
 * a free port, the number of workers).
 */
final class MicroProfileConfigLookup implements ConfigLookup {
    private final Config config;
    private final Map<String, String> overrides;
    private final String overridesSource;

    /**
     * @param overrides       MicroProfile Config keys ({@code prefork.echo.port}) and values that win over {@code config}
     * @param overridesSource the name shown as their config source in the effective-settings log
     */
    MicroProfileConfigLookup(Config config, Map<String, String> overrides, String overridesSource) {
        this.config = config;
        this.overrides = Map.copyOf(overrides);
        this.overridesSource = overridesSource;
    }

    @Override
    public Optional<Found> find(String key) {
        String fixed = overrides.get(key);
        if (fixed != null) {
            return Optional.of(new Found(fixed, overridesSource));
        }
        ConfigValue value = config.getConfigValue(key);
        if (value == null || value.getValue() == null) {
            return Optional.empty();
        }
        return Optional.of(new Found(value.getValue(), value.getSourceName()));
    }
}
