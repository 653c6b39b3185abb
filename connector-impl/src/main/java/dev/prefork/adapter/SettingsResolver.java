package dev.prefork.adapter;

import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Setting;
import dev.prefork.engine.config.SettingLayer;
import dev.prefork.engine.config.Settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Applies the one precedence order of the adapter to every declared engine setting of an endpoint:
 *
 * <ol>
 *   <li>{@code prefork.<endpoint>.<key>} in MicroProfile Config (system property, environment variable
 *       {@code PREFORK_<ENDPOINT>_<KEY>}, {@code META-INF/microprofile-config.properties});</li>
 *   <li>the MDB's activation config property;</li>
 *   <li>the resource adapter's config property (console, CLI);</li>
 *   <li>{@code prefork.<key>} in MicroProfile Config;</li>
 *   <li>the default.</li>
 * </ol>
 *
 * A layer a setting's declaration does not allow ({@link Setting#layers()}) is skipped for that setting.
 * The endpoint's {@code name} is declared settable only from the activation config: it names the
 * MicroProfile Config keys; without it the adapter derives the name from the MDB.
 */
public final class SettingsResolver {
    private static final Logger LOG = Logger.getLogger(SettingsResolver.class.getName());

    private SettingsResolver() {
    }

    /**
     * Resolves and validates every setting of one endpoint.
     *
     * @param endpoint   the endpoint's name
     * @param activation the activation spec's settings, by canonical key (blank values count as unset)
     * @param adapter    the resource adapter's settings, by canonical key (blank values count as unset)
     * @param mpConfig   the adapter's MicroProfile Config
     * @throws ConfigException naming the setting, its value and where that value came from
     */
    static EndpointSettings resolve(String endpoint, Map<String, String> activation, Map<String, String> adapter,
                                    ConfigLookup mpConfig) {
        List<ResolvedSetting> resolved = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        for (Setting<?> declaration : Settings.all()) {
            String key = declaration.key();
            ResolvedSetting setting = declaration == Settings.NAME
                    ? new ResolvedSetting(key, endpoint, SettingLayer.ACTIVATION_CONFIG,
                            activation.containsKey(key) ? "activation config property name" : "derived from the MDB")
                    : resolveOne(endpoint, declaration, activation, adapter, mpConfig);
            resolved.add(setting);
            if (setting.layer() != SettingLayer.DEFAULT) {
                values.put(key, setting.value());
            }
        }
        EngineConfig config;
        try {
            config = EngineConfig.fromMap(values);
        } catch (ConfigException e) {
            String origin = resolved.stream().filter(s -> s.key().equals(e.key())).findFirst()
                    .map(ResolvedSetting::origin).orElse("unknown origin");
            throw new ConfigException(e.key(), e.value(), e.getMessage().substring(e.getMessage().indexOf(": ") + 2)
                    + " [set by " + origin + "]");
        }
        return new EndpointSettings(endpoint, config, List.copyOf(resolved));
    }

    /**
     * Resolves and validates every setting of one endpoint hosted without a resource adapter (the Weld SE
     * host): the activation config arrives as the property names and values of an
     * {@code @MessageDriven(activationConfig = ...)}, in either spelling ({@code max_servers} or
     * {@code maxServers}); the resource adapter layer is empty. A property that names no setting is
     * logged and ignored, as an application server ignores activation config its adapter does not take.
     *
     * @param endpoint   the endpoint's name
     * @param properties activation config property names and values, as written on the bean
     * @param mpConfig   the application's MicroProfile Config
     * @throws ConfigException naming the setting, its value and where that value came from; also for a
     *                         setting given under both spellings with different values
     */
    public static EndpointSettings resolveActivationConfig(String endpoint, Map<String, String> properties,
                                                           ConfigLookup mpConfig) {
        SettingValues activation = new SettingValues(SettingLayer.ACTIVATION_CONFIG);
        for (Map.Entry<String, String> property : properties.entrySet()) {
            Setting<?> declaration = SettingNames.declaration(property.getKey());
            if (declaration == null || !declaration.settableFrom(SettingLayer.ACTIVATION_CONFIG)) {
                LOG.warning(endpoint + ": activation config property " + property.getKey()
                        + " is not a Prefork Connector setting; ignored");
            } else {
                activation.set(property.getKey(), property.getValue());
            }
        }
        Optional<Map.Entry<String, String>> conflict = activation.conflicts().entrySet().stream().findFirst();
        if (conflict.isPresent()) {
            String key = conflict.get().getKey();
            throw new ConfigException(key, activation.get(key),
                    "given twice with different values: " + conflict.get().getValue() + " [set by activation config]");
        }
        return resolve(endpoint, activation.asMap(), Map.of(), mpConfig);
    }

    private static ResolvedSetting resolveOne(String endpoint, Setting<?> declaration,
                                              Map<String, String> activation, Map<String, String> adapter,
                                              ConfigLookup mpConfig) {
        String key = declaration.key();
        if (declaration.settableFrom(SettingLayer.ENDPOINT_MP_CONFIG)) {
            String endpointKey = SettingNames.endpointKey(endpoint, key);
            Optional<ConfigLookup.Found> perEndpoint = mpConfig.find(endpointKey);
            if (perEndpoint.isPresent()) {
                return new ResolvedSetting(key, perEndpoint.get().value(), SettingLayer.ENDPOINT_MP_CONFIG,
                        "MicroProfile Config " + endpointKey + " from " + perEndpoint.get().sourceName());
            }
        }
        String fromActivation = activation.get(key);
        if (declaration.settableFrom(SettingLayer.ACTIVATION_CONFIG) && fromActivation != null && !fromActivation.isBlank()) {
            return new ResolvedSetting(key, fromActivation.trim(), SettingLayer.ACTIVATION_CONFIG,
                    "activation config property " + key);
        }
        String fromAdapter = adapter.get(key);
        if (declaration.settableFrom(SettingLayer.ADAPTER_PROPERTY) && fromAdapter != null && !fromAdapter.isBlank()) {
            return new ResolvedSetting(key, fromAdapter.trim(), SettingLayer.ADAPTER_PROPERTY,
                    "resource adapter config property " + SettingNames.camelCase(key));
        }
        if (declaration.settableFrom(SettingLayer.GLOBAL_MP_CONFIG)) {
            String globalKey = SettingNames.globalKey(key);
            Optional<ConfigLookup.Found> global = mpConfig.find(globalKey);
            if (global.isPresent()) {
                return new ResolvedSetting(key, global.get().value(), SettingLayer.GLOBAL_MP_CONFIG,
                        "MicroProfile Config " + globalKey + " from " + global.get().sourceName());
            }
        }
        return new ResolvedSetting(key, declaration.defaultValue(), SettingLayer.DEFAULT, "default");
    }
}
