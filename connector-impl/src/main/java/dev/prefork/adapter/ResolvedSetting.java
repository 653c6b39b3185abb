package dev.prefork.adapter;

import dev.prefork.engine.config.SettingLayer;

/**
 * One setting of an endpoint with the place its value came from.
 *
 * @param key    the setting's canonical name, e.g. {@code max_servers}
 * @param value  its value as text ("" for an unset optional setting)
 * @param layer  the layer that supplied it
 * @param origin the exact place within that layer: the property or key name, and the config source
 */
public record ResolvedSetting(String key, String value, SettingLayer layer, String origin) {

    /** {@code max_servers=4 (MicroProfile Config prefork.echo.max_servers in SysPropConfigSource)}. */
    @Override
    public String toString() {
        return key + "=" + value + " (" + origin + ")";
    }
}
