package dev.prefork.adapter;

/**
 * Where an endpoint's setting can come from, highest precedence first. The narrower scope wins; within
 * one endpoint, the operator's MicroProfile Config wins over the developer's activation config, so a
 * deployment can be retuned without rebuilding it.
 */
public enum SettingLayer {
    /** {@code prefork.<endpoint>.<key>} in the adapter's MicroProfile Config. */
    ENDPOINT_MP_CONFIG("MicroProfile Config"),
    /** The MDB's activation config property ({@code @ActivationConfigProperty}, ejb-jar.xml, jboss-ejb3.xml). */
    ACTIVATION_CONFIG("activation config property"),
    /** The resource adapter's config property (the server's console or CLI). */
    ADAPTER_PROPERTY("resource adapter config property"),
    /** {@code prefork.<key>} in the adapter's MicroProfile Config. */
    GLOBAL_MP_CONFIG("MicroProfile Config"),
    /** The engine's default. */
    DEFAULT("default");

    private final String label;

    SettingLayer(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
