package dev.prefork.bench.scenario;

import dev.prefork.bench.server.ServerSpec;
import dev.prefork.bench.server.Target;

/** One server configuration in a comparison: a target, how it is configured, and its label in tables. */
public record Contender(String label, Target target, ServerSpec spec) {
}
