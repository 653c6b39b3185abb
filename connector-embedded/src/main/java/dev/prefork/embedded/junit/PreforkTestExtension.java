package dev.prefork.embedded.junit;

import dev.prefork.embedded.ListenerPool;
import dev.prefork.embedded.PreforkExtension;
import io.smallrye.config.inject.ConfigExtension;
import jakarta.enterprise.inject.se.SeContainer;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JUnit 5 side of {@link PreforkTest}: boots the container before each test, closes it after each
 * (JUnit runs after-each callbacks whether the test passed or not), and resolves the parameters.
 */
public final class PreforkTestExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    /** Where the kit's settings show up in the effective-settings log. */
    static final String SOURCE = "@PreforkTest";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PreforkTestExtension.class);
    private static final String CONTAINER = "container";
    private static final Duration READY_WAIT = Duration.ofSeconds(60);
    /** Containers need distinct ids when tests run in parallel. */
    private static final AtomicLong CONTAINERS = new AtomicLong();

    @Override
    public void beforeEach(ExtensionContext context) {
        PreforkTest test = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), PreforkTest.class)
                .orElseThrow(() -> new IllegalStateException("PreforkTestExtension needs @PreforkTest on the test class"));
        Map<String, String> overrides = new LinkedHashMap<>();
        for (Class<?> listener : test.value()) {
            String name = PreforkExtension.endpointName(listener);
            overrides.put("prefork." + name + ".port", "127.0.0.1:0");
            overrides.put("prefork." + name + ".max_servers", Integer.toString(test.workers()));
        }
        // No discovery: exactly the named classes, and the two extensions the container needs spelled out
        // (with discovery off, Weld loads none from META-INF/services).
        Weld weld = new Weld("prefork-test-" + CONTAINERS.incrementAndGet())
                .disableDiscovery()
                .addBeanClasses(test.value())
                .addBeanClasses(test.beans())
                .addExtension(PreforkExtension.withOverrides(overrides, SOURCE))
                .addExtension(new ConfigExtension());
        WeldContainer container = weld.initialize();
        context.getStore(NAMESPACE).put(CONTAINER, container);
        // Every worker accepting before the test starts: snapshots and timings see the whole pool.
        for (ListenerPool pool : container.select(PreforkExtension.class).get().pools()) {
            try {
                if (!pool.awaitAccepting(READY_WAIT)) {
                    throw new IllegalStateException(pool.name() + ": not every worker accepts after " + READY_WAIT.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + pool.name() + "'s workers", e);
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        WeldContainer container = context.getStore(NAMESPACE).remove(CONTAINER, WeldContainer.class);
        if (container != null && container.isRunning()) {
            container.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ListenerPool.class || type == PreforkExtension.class || type == SeContainer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        WeldContainer container = context.getStore(NAMESPACE).get(CONTAINER, WeldContainer.class);
        if (container == null) {
            throw new ParameterResolutionException("no listener container runs here: @PreforkTest starts one for each test"
                    + " (test methods, @BeforeEach and @AfterEach methods), not for @BeforeAll");
        }
        Class<?> type = parameter.getParameter().getType();
        if (type == SeContainer.class) {
            return container;
        }
        PreforkExtension extension = container.select(PreforkExtension.class).get();
        if (type == PreforkExtension.class) {
            return extension;
        }
        List<ListenerPool> pools = extension.pools();
        if (pools.size() != 1) {
            throw new ParameterResolutionException("a ListenerPool parameter needs exactly one listener bean in @PreforkTest;"
                    + " with several, take the PreforkExtension and ask it for pool(YourBean.class)");
        }
        return pools.get(0);
    }
}
