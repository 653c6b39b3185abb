package dev.prefork.engine.config;

/**
 * Where a setting's value can come from. Inside an application server the adapter consults the first
 * four in this order, highest precedence first, and falls back to {@link #DEFAULT}: the narrower scope
 * wins; within one endpoint, the operator's MicroProfile Config wins over the developer's activation
 * config, so a deployment can be retuned without rebuilding it. The standalone launcher has one layer
 * of its own, {@link #COMMAND_LINE}. A setting's declaration says in which of them it may be set
 * ({@link Setting#layers()}).
 */
public enum SettingLayer {
    /** {@code prefork.<endpoint>.<key>} in the adapter's MicroProfile Config. */
    ENDPOINT_MP_CONFIG("MicroProfile Config", "prefork.<endpoint>.<key> in MicroProfile Config"),
    /** The MDB's activation config property ({@code @ActivationConfigProperty}, ejb-jar.xml, jboss-ejb3.xml). */
    ACTIVATION_CONFIG("activation config property", "the activation config"),
    /** The resource adapter's config property (the server's console or CLI). */
    ADAPTER_PROPERTY("resource adapter config property", "the resource adapter's config properties"),
    /** {@code prefork.<key>} in the adapter's MicroProfile Config. */
    GLOBAL_MP_CONFIG("MicroProfile Config", "prefork.<key> in MicroProfile Config"),
    /** The standalone launcher's {@code --key value} and {@code --conf_file} lines. */
    COMMAND_LINE("command line", "the command line"),
    /** The declaration's default. */
    DEFAULT("default", "the default");

    private final String label;
    private final String where;

    SettingLayer(String label, String where) {
        this.label = label;
        this.where = where;
    }

    public String label() {
        return label;
    }

    /** The layer as the documentation names it: "the activation config". */
    public String where() {
        return where;
    }
}
