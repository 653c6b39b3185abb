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
final class SettingsResolver {

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
