package dev.prefork.standalone;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Setting;
import dev.prefork.engine.config.Settings;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzing the configuration parsers an operator's file goes through (issue 9, standing protections): a
 * conf_file of any bytes is either read, or refused with the file and the line named; what it sets is then
 * either a valid engine configuration or refused naming the setting. Never another exception (a parser's
 * NumberFormatException, an index out of bounds, a decoder's "Input length = 1"). Seeds: every setting's
 * key with values of every shape, the aliases and refused keys, and issue 9's non-UTF-8 bytes.
 */
class ConfFileFuzzTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("conf-fuzz");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Provide
    Arbitrary<List<byte[]>> confFiles() {
        List<String> keys = new ArrayList<>();
        for (Setting<?> setting : Settings.all()) {
            keys.add(setting.key());
        }
        keys.addAll(ConfFile.ALIASES.keySet());
        keys.addAll(ConfFile.ALWAYS_SO.keySet());
        keys.addAll(ConfFile.DOES_NOT_APPLY.keySet());
        keys.addAll(List.of(ConfFile.DEBUG, "conf_file", "Max-Servers", "max_servers ", "#max_servers", "x"));
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.of("0", "1", "-1", "4", "65536", "99999999999999999999", "1.5", "true", "false", "yes", "",
                        " ", "127.0.0.1:0", "[::1]:0", "*:0", "0.0.0.0:99999", "/tmp/x.sock", "relative", "none", "flock",
                        "semaphore", "pipe", "descriptor", "relay", "auto", "10.0.0.0/8", "::/0", "300/1", "# comment"),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.strings().withChars("0123456789.,:/-[]*# \tabcxyz").ofMaxLength(30),
                Arbitraries.strings().ofMaxLength(20));
        Arbitrary<byte[]> line = Arbitraries.frequencyOf(
                Tuple.of(8, Combinators.combine(Arbitraries.of(keys), Arbitraries.of(" ", "\t", "  ", "="), values)
                        .as((key, space, value) -> utf8(key + space + value))),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(60).map(ConfFileFuzzTest::utf8)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(40)),
                Tuple.of(1, Arbitraries.of(utf8("# only a comment"), utf8(""), new byte[] {(byte) 0xff, 'x'},
                        new byte[] {'m', 'a', 'x', '_', 's', 'e', 'r', 'v', 'e', 'r', 's', ' ', (byte) 0xc3}, utf8("\r"))));
        return line.list().ofMaxSize(12);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Property(tries = 1000)
    void anyFileIsReadOrRefusedNamingTheFileLineOrSetting(@ForAll("confFiles") List<byte[]> lines) throws IOException {
        Path file = Files.createTempFile(DIR, "fuzz", ".conf");
        try {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (byte[] line : lines) {
                content.writeBytes(line);
                content.write('\n');
            }
            Files.write(file, content.toByteArray());
            Map<String, String> settings = new HashMap<>();
            try {
                ConfFile.read(file, settings);
            } catch (IllegalArgumentException | IOException refused) {
                assertTrue(refused.getMessage().contains(file + " line "), "names neither the file nor the line: " + refused);
                return;
            }
            try {
                EngineConfig.fromMap(settings);
            } catch (IllegalArgumentException refused) {
                String message = String.valueOf(refused.getMessage());
                assertTrue(settings.keySet().stream().anyMatch(message::contains),
                        "names no setting of " + settings.keySet() + ": " + refused);
            }
        } catch (RuntimeException unexpected) {
            fail("a conf_file of " + lines.size() + " lines threw " + unexpected, unexpected);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
