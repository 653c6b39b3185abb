package dev.prefork.standalone;

import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.engine.EngineException;
import dev.prefork.engine.PreforkEngine;
import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the engine on its own with a built-in handler:
 * {@code java -jar prefork.jar --port 20204 --max_servers 4 --handler echo}. Every engine setting is
 * accepted as {@code --key value}; {@code --conf_file FILE} reads Net::Server-style "key value" lines
 * first. Ctrl-C stops the pool and leaves nothing behind.
 */
public final class StandaloneMain {

    private StandaloneMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        PrintStream out = System.out;
        Map<String, String> settings = new LinkedHashMap<>();
        String handlerName = "echo";
        int statusInterval = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    usage(out);
                    return;
                }
                if (!arg.startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --key value, got '" + arg + "'");
                }
                String key = arg.substring(2).replace('-', '_');
                String value = args[++i];
                switch (key) {
                    case "handler" -> handlerName = value;
                    case "status_interval" -> statusInterval = Integer.parseInt(value);
                    case "conf_file" -> readConfFile(Path.of(value), settings);
                    case "port" -> settings.merge(key, value, (a, b) -> a + "," + b);
                    default -> settings.put(key, value);
                }
            }
        } catch (NumberFormatException e) {
            System.err.println("prefork: status_interval must be a whole number of seconds (" + e.getMessage() + ")");
            System.exit(2);
            return;
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("prefork: " + e.getMessage() + " (try --help)");
            System.exit(2);
            return;
        }
        ConnectionHandler handler = BuiltinHandlers.BY_NAME.get(handlerName);
        if (handler == null) {
            System.err.println("prefork: handler=" + handlerName + " is not valid: must be one of " + BuiltinHandlers.BY_NAME.keySet());
            System.exit(2);
            return;
        }
        PreforkEngine engine;
        try {
            engine = PreforkEngine.start(EngineConfig.fromMap(settings), handler);
        } catch (ConfigException | EngineException e) {
            System.err.println("prefork: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            engine.stop();
            stopped.countDown();
        }, "prefork-stop"));
        boolean full = engine.awaitAccepting(Duration.ofSeconds(60));
        List<String> addresses = engine.boundAddresses();
        out.println("prefork: " + handlerName + " on " + addresses + ", " + engine.config().maxServers()
                + " workers" + (full ? " accepting" : " starting") + " (supervisor pid " + engine.supervisorPid() + "); Ctrl-C stops");
        String first = addresses.get(0);
        if (!first.startsWith("unix:")) {
            String host = first.startsWith("*") ? "127.0.0.1" : first.substring(0, first.lastIndexOf(':')).replace("[", "").replace("]", "");
            out.println("prefork: try  printf 'hello\\n' | nc -q1 " + host + " " + engine.boundPort(0));
        }
        if (statusInterval > 0) {
            printStatusUntilStopped(engine, stopped, statusInterval, out);
        }
        stopped.await();
    }

    /** Net::Server has no such view; operators of a pre-forked pool want one. */
    private static void printStatusUntilStopped(PreforkEngine engine, CountDownLatch stopped, int seconds, PrintStream out)
            throws InterruptedException {
        while (!stopped.await(seconds, java.util.concurrent.TimeUnit.SECONDS)) {
            try {
                out.println("prefork: " + engine.snapshot().summary());
            } catch (EngineException e) {
                out.println("prefork: " + e.getMessage());
            }
        }
    }

    /** Net::Server's conf_file format: "key value" per line; '#' starts a comment; port may repeat. */
    static void readConfFile(Path file, Map<String, String> settings) throws IOException {
        for (String raw : utf8Lines(file)) {
            String line = raw.replaceFirst("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] kv = line.split("\\s+", 2);
            String value = kv.length > 1 ? kv[1] : "";
            if (kv[0].equals("port")) {
                settings.merge("port", value, (a, b) -> a + "," + b);
            } else {
                settings.put(kv[0], value);
            }
        }
    }

    /** The file's lines; a line that is not UTF-8 fails naming the file and the line, not "Input length = 1". */
    private static List<String> utf8Lines(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        java.nio.charset.CharsetDecoder strict = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
        List<String> lines = new java.util.ArrayList<>();
        int start = 0;
        for (int end = 0; end <= bytes.length; end++) {
            if (end < bytes.length && bytes[end] != '\n') {
                continue;
            }
            try {
                lines.add(strict.decode(java.nio.ByteBuffer.wrap(bytes, start, end - start)).toString());
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new IOException(file + " line " + (lines.size() + 1) + ": not UTF-8 text");
            }
            start = end + 1;
        }
        return lines;
    }

    private static void usage(PrintStream out) {
        out.println("usage: java -jar prefork.jar [--handler echo|daytime|discard] [--conf_file FILE] [--status_interval SECONDS] [--KEY VALUE]...");
        out.println();
        out.println("settings (Net::Server names):");
        EngineConfig.DESCRIPTIONS.forEach((key, d) ->
                out.printf("  --%-26s %s%s%n", key, d[1], d[0].isEmpty() ? "" : " [default " + d[0] + "]"));
    }
}
