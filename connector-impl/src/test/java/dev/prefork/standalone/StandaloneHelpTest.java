package dev.prefork.standalone;

import dev.prefork.engine.config.Setting;
import dev.prefork.engine.config.SettingLayer;
import dev.prefork.engine.config.Settings;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --help} lists exactly the declared settings, each with its description, allowed values and default. */
class StandaloneHelpTest {

    @Test
    void helpListsEveryDeclaredSettingFromItsDeclaration() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StandaloneMain.usage(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String help = bytes.toString(StandardCharsets.UTF_8);

        List<String> listed = new ArrayList<>();
        for (String line : help.lines().toList()) {
            if (line.startsWith("  --")) {
                listed.add(line.substring(4, line.indexOf(' ', 4)));
            }
        }
        List<String> declared = new ArrayList<>();
        for (Setting<?> setting : Settings.all()) {
            if (setting.settableFrom(SettingLayer.COMMAND_LINE)) {
                declared.add(setting.key());
                String line = help.lines().filter(l -> l.startsWith("  --" + setting.key() + " ")).findFirst().orElseThrow();
                assertTrue(line.contains(setting.description()), line);
                assertTrue(line.contains(setting.allowed()), line);
                assertTrue(setting.defaultValue().isEmpty() || line.endsWith("[default " + setting.defaultValue() + "]"), line);
            }
        }
        assertEquals(declared, listed);
        assertTrue(help.contains("--max_servers") && help.contains("(per port); 1 to 1024 [default 50]"), help);
    }
}
