package dev.prefork.adapter;

import jakarta.resource.spi.endpoint.MessageEndpointFactory;

/**
 * Chooses an endpoint's name: the activation config property {@code name}, or else the MDB's class
 * name, cut down to what the engine accepts in a name (letters, digits, {@code . _ -}).
 */
final class EndpointNames {
    private EndpointNames() {
    }

    static String choose(String configured, MessageEndpointFactory factory) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        String derived = null;
        Class<?> endpointClass = endpointClass(factory);
        if (endpointClass != null) {
            derived = endpointClass.getSimpleName();
        } else {
            try {
                derived = factory.getActivationName();
            } catch (RuntimeException | AbstractMethodError e) {
                // a container older than Connectors 1.7
            }
        }
        String safe = derived == null ? "" : derived.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.isEmpty()) {
            return "prefork";
        }
        return safe.length() > 64 ? safe.substring(0, 64) : safe;
    }

    /** The MDB's class loader, to find its {@code META-INF/microprofile-config.properties}; null when unknown. */
    static ClassLoader endpointClassLoader(MessageEndpointFactory factory) {
        Class<?> endpointClass = endpointClass(factory);
        return endpointClass == null ? null : endpointClass.getClassLoader();
    }

    /** The MDB's class, or null when the container does not say (older than Connectors 1.7). */
    static Class<?> endpointClass(MessageEndpointFactory factory) {
        try {
            return factory.getEndpointClass();
        } catch (RuntimeException | AbstractMethodError e) {
            return null;
        }
    }
}
