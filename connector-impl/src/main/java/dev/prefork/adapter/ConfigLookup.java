package dev.prefork.adapter;

import java.util.Optional;

/** Reads one MicroProfile Config key; the seam between the precedence rules and SmallRye. */
@FunctionalInterface
interface ConfigLookup {

    /** The key's value and the name of the config source that supplied it, or empty when no source has it. */
    Optional<Found> find(String key);

    record Found(String value, String sourceName) {
    }
}
