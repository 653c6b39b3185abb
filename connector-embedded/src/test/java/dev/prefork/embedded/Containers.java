package dev.prefork.embedded;

import io.smallrye.config.inject.ConfigExtension;
import org.jboss.weld.environment.se.Weld;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** A Weld SE container for the tests that boot one themselves, wired as Main and the test kit wire theirs. */
final class Containers {
    private static final AtomicLong IDS = new AtomicLong();

    private Containers() {
    }

    /** No class path discovery (the test names its beans); both extensions spelled out, {@code overrides} on top of MicroProfile Config. */
    static Weld weld(Map<String, String> overrides) {
        return new Weld("embedded-test-" + IDS.incrementAndGet())
                .disableDiscovery()
                .skipShutdownHook()
                .addExtension(PreforkExtension.withOverrides(overrides, "the test"))
                .addExtension(new ConfigExtension());
    }
}
