package dev.prefork.standalone;

import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.Setting;
import dev.prefork.engine.config.SettingLayer;
import dev.prefork.engine.config.Settings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Net::Server's conf_file format, so that an existing {@code .conf} runs unchanged where we can do what
 * it asks, and fails at start, naming every line we cannot, where we cannot: a daemon that silently
 * skips {@code user nobody} would run as root.
 *
 * <p>The format: one {@code key value} per line, white space around and between them; {@code #}
 * starts a comment (anywhere on a line: a regular expression that needs the character writes
 * {@code \x23}); blank lines are skipped. A list setting ({@link #LIST_KEYS}) accumulates when
 * repeated, as Net::Server's array parameters do; any other key given twice in one file is an error
 * naming both lines, since one of them would be lost. Net::Daemon's option names are read as aliases
 * ({@link #ALIASES}). The same rules apply to the launcher's {@code --key value} arguments.
 */
final class ConfFile {

    /** Settings whose repetitions accumulate, with the separator the setting's own syntax uses between items. */
    static final Map<String, String> LIST_KEYS = Map.of(
            "port", ",", "allow", " ", "deny", " ", "cidr_allow", " ", "cidr_deny", " ", "proxy_allow", " ",
            // A command line may hold any character a line can: only the line break cannot be in one.
            "program", "\n", "sig_passthrough", ",");

    /** Net::Daemon's names (with '-' read as '_') for settings that have another name here. */
    static final Map<String, String> ALIASES = Map.of(
            "localport", "port",
            "localpath", "port",
            "localaddr", "host",
            "childs", "max_servers",
            "pidfile", "pid_file",
            "logfile", "log_file",
            "facility", "syslog_facility",
            "configfile", "conf_file",
            "loop_timeout", "check_for_dequeue");

    /**
     * Switches (true or false) of Net::Server and Net::Daemon that ask for what always happens here, with
     * why; read, checked and kept nowhere.
     */
    static final Map<String, String> ALWAYS_SO = Map.of(
            "loop_child", "every dequeue job is a process of its own; max_dequeue says how many run at once (1: one at a"
                    + " time, as Net::Daemon's loops without it)",
            "no_close_by_child", "workers run only the engine's code, which never closes the server",
            "leave_children_open_on_hup", "on SIGHUP each old worker finishes the connection it serves (within"
                    + " graceful_shutdown_timeout) while new ones already accept");

    /** Net::Daemon's switch for debug logging: {@code debug 1} is {@code log_level 4}. */
    static final String DEBUG = "debug";

    /**
     * Keys that do not apply to this launcher, with why. Refused rather than ignored: a line that silently
     * does nothing misleads whoever wrote it.
     */
    static final Map<String, String> DOES_NOT_APPLY = Map.of(
            "reverse_lookups", "clients are matched by address only: a client controls its reverse DNS, not its address",
            "proto", "a port's form says its protocol: a path is a UNIX socket, anything else TCP",
            "ipv", "a port's address says its family: write 0.0.0.0:PORT or [::]:PORT, or * for both",
            "mode", "workers are always pre-forked processes (Net::Daemon's --childs); there is no thread or single mode",
            "catchint", "the JVM retries system calls interrupted by a signal itself",
            "version", "use --help");

    /** Net::Server's line: a key of word characters (Net::Daemon's may have '-'), white space, the value. */
    private static final Pattern LINE = Pattern.compile("([A-Za-z0-9_-]+)(?:\\s+(.*))?");

    private ConfFile() {
    }

    /**
     * The launcher's name for {@code key} (an alias resolved, '-' read as '_').
     *
     * @throws IllegalArgumentException saying why, if the key is one we refuse
     */
    static String canonical(String key, String value, String where) {
        String name = key.replace('-', '_');
        String mapped = ALIASES.getOrDefault(name, name);
        if (name.equals("localpath") && !value.startsWith("/")) {
            throw new IllegalArgumentException(where + ": localpath '" + value + "' is not valid: must be an absolute path"
                    + " (it names a UNIX socket)");
        }
        String why = DOES_NOT_APPLY.get(mapped);
        if (why != null) {
            throw new IllegalArgumentException(where + ": " + key + " does not apply here: " + why);
        }
        return mapped;
    }

    /**
     * Sets {@code key} (already {@linkplain #canonical canonical}) to {@code value} in {@code settings}:
     * a list setting appends, any other replaces. Checks the key is a setting the command line may set,
     * and the value alone, so that an error names {@code where} rather than surfacing later unlocated.
     */
    static void put(Map<String, String> settings, String key, String value, String where) {
        if (ALWAYS_SO.containsKey(key) || key.equals(DEBUG)) {
            boolean on = switchValue(key, value, where);
            if (on && key.equals(DEBUG)) {
                settings.put(Settings.LOG_LEVEL.key(), "4");
            }
            return;
        }
        Setting<?> setting = Settings.byKey(key);
        if (setting == null) {
            throw new IllegalArgumentException(where + ": " + key + " is not a known setting; known settings are "
                    + Settings.keys() + " (and Net::Daemon's " + ALIASES.keySet() + ")");
        }
        if (!setting.settableFrom(SettingLayer.COMMAND_LINE)) {
            throw new IllegalArgumentException(where + ": " + key + " cannot be set on the command line or in a conf_file");
        }
        try {
            setting.parse(value);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        String separator = LIST_KEYS.get(key);
        if (separator == null) {
            settings.put(key, value);
        } else {
            settings.merge(key, value, (a, b) -> a + separator + b);
        }
    }

    /** Whether {@code key} (as written) is a switch, which Net::Daemon's command line gives without a value. */
    static boolean isSwitch(String key) {
        String name = key.replace('-', '_');
        return ALWAYS_SO.containsKey(name) || name.equals(DEBUG);
    }

    /** A switch's value as Net::Daemon's flags and Net::Server's booleans are written: 1, 0, true, false. */
    private static boolean switchValue(String key, String value, String where) {
        String text = value.strip();
        if (text.equals("1") || text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equals("0") || text.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(where + ": " + key + "='" + value + "' is not valid: must be 1, 0, true or false");
    }

    /**
     * Reads {@code file} into {@code settings} (on top of what they hold, list settings appended).
     *
     * @throws IllegalArgumentException listing every line that cannot be used, each with the file and line
     * @throws IOException              if the file cannot be read, or a line is not UTF-8 (named by line)
     */
    static void read(Path file, Map<String, String> settings) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, String> read = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        List<String> lines = utf8Lines(file);
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String where = file + " line " + number;
            String line = lines.get(i).replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches() || m.group(2) == null || m.group(2).isBlank()) {
                problems.add(where + ": '" + line + "' is not 'key value'");
                continue;
            }
            String key = m.group(1);
            String value = m.group(2).strip();
            try {
                String name = canonical(key, value, where);
                if (name.equals("conf_file")) {
                    throw new IllegalArgumentException(where + ": " + key + " inside a conf_file is not supported; give it on"
                            + " the command line");
                }
                Integer earlier = firstLine.putIfAbsent(name, number);
                if (earlier != null && !LIST_KEYS.containsKey(name)) {
                    throw new IllegalArgumentException(where + ": " + key + " is given again (first on line " + earlier
                            + "); only " + LIST_KEYS.keySet().stream().sorted().toList() + " may repeat");
                }
                put(read, name, value, where);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.size() == 1 ? problems.get(0)
                    : "conf_file " + file + " has " + problems.size() + " problems:\n  " + String.join("\n  ", problems));
        }
        read.forEach((key, value) -> {
            String separator = LIST_KEYS.get(key);
            if (separator == null) {
                settings.put(key, value);
            } else {
                settings.merge(key, value, (a, b) -> a + separator + b);
            }
        });
    }

    /** The file's lines; a line that is not UTF-8 fails naming the file and the line, not "Input length = 1". */
    private static List<String> utf8Lines(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder();
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int end = 0; end <= bytes.length; end++) {
            if (end < bytes.length && bytes[end] != '\n') {
                continue;
            }
            try {
                lines.add(strict.decode(ByteBuffer.wrap(bytes, start, end - start)).toString());
            } catch (CharacterCodingException e) {
                throw new IOException(file + " line " + (lines.size() + 1) + ": not UTF-8 text");
            }
            start = end + 1;
        }
        return lines;
    }
}
