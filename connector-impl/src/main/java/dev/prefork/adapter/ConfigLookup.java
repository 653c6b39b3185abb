package dev.prefork.adapter;

import java.util.Optional;

/**
 * Reads one MicroProfile Config key; the seam between the precedence rules and SmallRye. Public so that
 * a host other than the adapter (the Weld SE host in {@code connector-embedded}) can hand its own
 * application's MicroProfile Config to {@link SettingsResolver}.
 */
@FunctionalInterface
public interface ConfigLookup {

    /** The key's value and the name of the config source that supplied it, or empty when no source has it. */
    Optional<Found> find(String key);

    record Found(String value, String sourceName) {
    }
}
