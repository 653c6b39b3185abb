package dev.prefork.engine.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's settings table is the one rendered from the declarations. With
 * {@code -Dprefork.readme.regenerate=true} the test writes the rendered table into the README instead.
 */
class SettingsTableTest {
    static final String REGENERATE = "bin/test -pl connector-impl -am -Dtest=SettingsTableTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dprefork.readme.regenerate=true";

    /** The repository's README.md: the test runs in connector-impl. */
    private static Path readme() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../README.md").normalize();
    }

    @Test
    void theReadmesSettingsTableIsTheOneRenderedFromTheDeclarations() throws IOException {
        Path readme = readme();
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf(SettingsDocs.TABLE_START + "\n");
        int end = text.indexOf(SettingsDocs.TABLE_END);
        assertTrue(start >= 0 && end > start, readme + " has no settings table between the lines\n"
                + SettingsDocs.TABLE_START + "\n" + SettingsDocs.TABLE_END);
        int tableStart = start + SettingsDocs.TABLE_START.length() + 1;
        String rendered = SettingsDocs.markdownTable();
        if (Boolean.getBoolean("prefork.readme.regenerate")) {
            Files.writeString(readme, text.substring(0, tableStart) + rendered + text.substring(end), StandardCharsets.UTF_8);
            return;
        }
        assertEquals(rendered, text.substring(tableStart, end),
                "README.md's settings table differs from the declarations in Settings; regenerate it with\n    " + REGENERATE + "\n");
    }

    @Test
    void everySettingAppearsInTheTableWithItsDefaultAllowedValuesAndDescription() {
        String table = SettingsDocs.markdownTable();
        for (Setting<?> setting : Settings.all()) {
            String row = table.lines().filter(line -> line.startsWith("| `" + setting.key() + "` |")).findFirst().orElseThrow();
            assertTrue(row.contains(setting.description().replace("|", "\\|")), row);
            assertTrue(row.contains(setting.allowed()), row);
            assertTrue(setting.defaultValue().isEmpty() || row.contains("`" + setting.defaultValue() + "`"), row);
        }
        assertTrue(table.contains("Set only from the activation config or the command line."), "name's layers are said");
    }
}
