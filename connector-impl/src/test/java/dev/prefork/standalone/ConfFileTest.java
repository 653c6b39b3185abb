package dev.prefork.standalone;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 9, item 10: a conf_file that is not UTF-8 is refused naming the file and the line. */
class ConfFileTest {

    @Test
    void aLineThatIsNotUtf8IsNamedByFileAndLine(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("prefork.conf");
        Files.write(conf, new byte[] {'m', 'a', 'x', '_', 's', 'e', 'r', 'v', 'e', 'r', 's', ' ', '2', '\n',
                'n', 'a', 'm', 'e', ' ', 'c', 'a', 'f', (byte) 0xe9, '\n'});
        IOException e = assertThrows(IOException.class, () -> StandaloneMain.readConfFile(conf, new LinkedHashMap<>()));
        assertTrue(e.getMessage().contains(conf.toString()) && e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void utf8LinesStillRead(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("prefork.conf");
        Files.writeString(conf, "# caf\u00e9\nport 1\r\nport 2\nname x # y", StandardCharsets.UTF_8);
        Map<String, String> settings = new LinkedHashMap<>();
        StandaloneMain.readConfFile(conf, settings);
        assertEquals(Map.of("port", "1,2", "name", "x"), settings);
    }
}
