package dev.prefork.adapter;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.ConfigValue;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The adapter's own MicroProfile Config, built with the SmallRye Config bundled in the {@code .rar}
 * rather than the server's (whose presence and version differ per server). It reads, highest ordinal
 * first: system properties (400), environment variables (300, {@code PREFORK_MAX_SERVERS} for
 * {@code prefork.max_servers}), and every {@code META-INF/microprofile-config.properties} (100) that the
 * adapter's class loader or the MDB's class loader can see.
 *
 * <p>It is built anew for every endpoint activation and every {@code config_refresh}, so a changed
 * system property is seen: live-changeable settings apply to the running pool, the others at the next
 * deployment of the MDB.
 */
final class PrivateConfig implements ConfigLookup {
    static final String PROPERTIES_FILE = "META-INF/microprofile-config.properties";
    private static final int PROPERTIES_ORDINAL = 100;

    private final SmallRyeConfig config;

    private PrivateConfig(SmallRyeConfig config) {
        this.config = config;
    }

    /** A config for an endpoint whose MDB was loaded by {@code endpointLoader} (may be {@code null}). */
    static PrivateConfig forEndpoint(ClassLoader endpointLoader) throws IOException {
        ClassLoader adapterLoader = PrivateConfig.class.getClassLoader();
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .forClassLoader(adapterLoader)
                .addSystemSources();
        for (URL url : propertiesFiles(adapterLoader, endpointLoader)) {
            builder.withSources(new PropertiesConfigSource(url, PROPERTIES_ORDINAL));
        }
        return new PrivateConfig(builder.build());
    }

    private static Set<URL> propertiesFiles(ClassLoader... loaders) throws IOException {
        Set<URL> urls = new LinkedHashSet<>();
        for (ClassLoader loader : loaders) {
            if (loader != null) {
                urls.addAll(Collections.list(loader.getResources(PROPERTIES_FILE)));
            }
        }
        return urls;
    }

    /**
     * Which SmallRye Config this adapter runs with, e.g. {@code smallrye-config-core 3.13.4 from
     * vfs:/content/app.ear/prefork-connector.rar/smallrye-config-core-3.13.4.jar}: the one bundled in the
     * {@code .rar}, unless the server slipped its own in (on WildFly, when the deployment does not
     * exclude the microprofile-config-smallrye subsystem).
     */
    static String implementation() {
        String version = SmallRyeConfig.class.getPackage().getImplementationVersion();
        String location;
        try {
            location = String.valueOf(SmallRyeConfig.class.getProtectionDomain().getCodeSource().getLocation());
        } catch (RuntimeException e) {
            location = "an unknown location";
        }
        return "smallrye-config-core " + (version == null ? "(version unknown)" : version) + " from " + location;
    }

    @Override
    public Optional<Found> find(String key) {
        ConfigValue value = config.getConfigValue(key);
        if (value == null || value.getValue() == null) {
            return Optional.empty();
        }
        return Optional.of(new Found(value.getValue(), value.getSourceName()));
    }
}
