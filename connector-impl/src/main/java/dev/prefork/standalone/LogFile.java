package dev.prefork.standalone;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Net::Server's {@code log_file} and {@code log_level} for the launcher: every java.util.logging record
 * of this JVM (the engine's, and the supervisor's and workers' lines it relays under
 * {@code dev.prefork.process}) and the launcher's own lines, appended to one file, one record a line.
 *
 * <p>Opened in append mode, so logrotate's {@code copytruncate} works without a signal; after a
 * rename ({@code create} mode) {@link #reopen} starts the new file: the launcher calls it on SIGUSR1
 * (the convention of nginx and most daemons for "reopen your logs", without touching the workers) and
 * on SIGHUP (which Net::Server users send after rotating: there it restarts the server, which reopens
 * its log).
 */
final class LogFile extends Handler implements LogSink {

    /** Kept: java.util.logging holds loggers weakly, and a collected logger forgets the level set on it. */
    private static final Logger PREFORK = Logger.getLogger("dev.prefork");

    private static final SimpleFormatter MESSAGES = new SimpleFormatter();

    private final Path path;
    private OutputStream out;

    private LogFile(Path path) throws IOException {
        this.path = path;
        this.out = open(path);
    }

    /**
     * Net::Server's level (0 err, 1 warning, 2 notice, 3 info, 4 debug) as java.util.logging's: the
     * least severe level that is still logged.
     */
    static Level level(int netServerLevel) {
        return switch (netServerLevel) {
            case 0 -> Level.SEVERE;
            case 1 -> Level.WARNING;
            case 2 -> Level.INFO;
            case 3 -> Level.FINE;
            default -> Level.ALL;
        };
    }

    /**
     * Applies {@code logLevel} to this JVM's logging, and sends every record to {@code path} instead of
     * standard error when a path is given (as Net::Server logs only to its log_file).
     *
     * @return the file's handler, or {@code null} when the log stays on standard error
     */
    static LogFile install(String path, int logLevel) throws IOException {
        Level level = applyLevel(logLevel);
        Logger root = Logger.getLogger("");
        if (path.isEmpty()) {
            for (Handler handler : root.getHandlers()) {
                handler.setLevel(level);
            }
            return null;
        }
        LogFile file = new LogFile(Path.of(path));
        replaceHandlers(file, level);
        return file;
    }

    /** Makes {@code sink} this JVM's only log handler, at {@code level} (already applied to dev.prefork's loggers). */
    static void replaceHandlers(Handler sink, Level level) {
        Logger root = Logger.getLogger("");
        sink.setLevel(level);
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        root.addHandler(sink);
    }

    /** Applies Net::Server's {@code logLevel} to the engine's loggers; returns it as a java.util.logging level. */
    static Level applyLevel(int logLevel) {
        Level level = level(logLevel);
        PREFORK.setLevel(level);
        return level;
    }

    private static OutputStream open(Path path) throws IOException {
        return Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** Closes the file and opens {@code path} again: after logrotate renamed it, a new file. */
    @Override
    public synchronized void reopen() throws IOException {
        OutputStream next = open(path);
        try {
            out.close();
        } finally {
            out = next;
        }
    }

    Path path() {
        return path;
    }

    @Override
    public void notice(String line) {
        if (isLoggable(new LogRecord(Level.INFO, line))) {
            write(Instant.now(), Level.INFO, "prefork", line, null);
        }
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        // formatMessage fills in {0}-style parameters and localises, as the console's handler does.
        String message = MESSAGES.formatMessage(record);
        write(record.getInstant(), record.getLevel(), record.getLoggerName(), message, record.getThrown());
    }

    private void write(Instant when, Level level, String logger, String message, Throwable thrown) {
        StringBuilder line = new StringBuilder(128).append(when).append(' ').append(level.getName()).append(' ')
                .append(logger == null ? "" : logger).append(": ").append(message);
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            line.append('\n').append(trace.toString().stripTrailing());
        }
        // One record, one line: continuation lines (a stack trace) are indented, so a reader can tell records apart.
        byte[] bytes = (line.toString().replace("\n", "\n\t") + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                out.write(bytes); // one write per record: O_APPEND keeps records whole
                out.flush();
            } catch (IOException e) {
                reportError("cannot write to log_file " + path, e, ErrorManager.WRITE_FAILURE);
            }
        }
    }

    @Override
    public void flush() {
    }

    /**
     * The launcher's LogManager (named by {@code java.util.logging.manager} before anything logs): the
     * JDK's own shutdown hook resets logging, closing and removing every handler, while the launcher's
     * hook is still stopping the pool and logging about it; this one leaves that reset out, so the
     * stop's lines reach the log_file. The process's exit closes the file.
     */
    public static final class KeptOpenAtExit extends LogManager {
        public KeptOpenAtExit() {
            super();
        }

        @Override
        public void reset() {
            if (Thread.currentThread().getClass().getName().equals("java.util.logging.LogManager$Cleaner")) {
                return;
            }
            super.reset();
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            reportError("cannot close log_file " + path, e, ErrorManager.CLOSE_FAILURE);
        }
    }
}
