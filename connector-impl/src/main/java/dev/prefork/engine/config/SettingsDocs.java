package dev.prefork.engine.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The settings' documentation, rendered from their declarations: the standalone launcher's
 * {@code --help} and the README's settings table (which a test keeps equal to {@link #markdownTable()}).
 */
public final class SettingsDocs {
    /** The README line just before the generated table. */
    public static final String TABLE_START = "<!-- settings table: generated from dev.prefork.engine.config.Settings,"
            + " do not edit; SettingsTableTest says how to regenerate it -->";
    /** The README line just after the generated table. */
    public static final String TABLE_END = "<!-- end of settings table -->";

    private SettingsDocs() {
    }

    /** One line per setting settable from the command line: {@code --key}, what it means, what is allowed, its default. */
    public static List<String> helpLines() {
        List<String> lines = new ArrayList<>();
        for (Setting<?> setting : Settings.all()) {
            if (setting.settableFrom(SettingLayer.COMMAND_LINE)) {
                String allowed = setting.allowed().isEmpty() ? "" : "; " + setting.allowed();
                String defaultValue = setting.defaultValue().isEmpty() ? "" : " [default " + setting.defaultValue() + "]";
                lines.add(String.format("  --%-26s %s%s%s", setting.key(), setting.description(), allowed, defaultValue));
            }
        }
        return lines;
    }

    /** The README's settings table in Markdown, between (not including) {@link #TABLE_START} and {@link #TABLE_END}. */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder();
        table.append("| key | default | allowed | meaning |\n");
        table.append("|---|---|---|---|\n");
        for (Setting<?> setting : Settings.all()) {
            table.append("| `").append(setting.key()).append("` | ")
                    .append(setting.defaultValue().isEmpty() ? "" : "`" + setting.defaultValue() + "`").append(" | ")
                    .append(cell(setting.allowed())).append(" | ")
                    .append(cell(setting.description())).append(onlyFrom(setting)).append(" |\n");
        }
        return table.toString();
    }

    /** " Set only from the activation config or the command line." for a setting not settable everywhere. */
    private static String onlyFrom(Setting<?> setting) {
        if (setting.layers().size() == SettingLayer.values().length - 1) {
            return "";
        }
        List<String> where = new ArrayList<>();
        for (SettingLayer layer : setting.layers()) {
            where.add(layer.where());
        }
        String list = where.size() == 1 ? where.get(0)
                : String.join(", ", where.subList(0, where.size() - 1)) + " or " + where.get(where.size() - 1);
        return ". Set only from " + list + ".";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
