package dev.prefork.adapter;

import dev.prefork.engine.config.EngineConfig;

import java.util.List;

/**
 * What one endpoint runs with: the validated engine settings, and for each of them where it came from.
 *
 * @param endpoint the endpoint's name (the engine's {@code name}, and the middle of its MicroProfile Config keys)
 * @param config   the engine settings
 * @param settings every setting with its origin, in documentation order
 */
public record EndpointSettings(String endpoint, EngineConfig config, List<ResolvedSetting> settings) {

    /** A log message listing every setting and its origin, one per line. */
    public String describe() {
        StringBuilder text = new StringBuilder(endpoint).append(": effective settings")
                .append(" (precedence: prefork.").append(endpoint).append(".<key> > activation config")
                .append(" > resource adapter property > prefork.<key> > default)");
        for (ResolvedSetting setting : settings) {
            text.append("\n    ").append(setting);
        }
        return text.toString();
    }

    /** Where {@code key}'s value came from: "activation config property max_dequeue", "default". */
    public String origin(String key) {
        return settings.stream().filter(setting -> setting.key().equals(key)).findFirst()
                .map(ResolvedSetting::origin).orElse("default");
    }
}
