package dev.prefork.standalone;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Settings;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * Net::Server's {@code log_file Sys::Syslog}: every log record of the launcher's JVM (its own lines, the
 * engine's, the supervisor's and workers' it relays) as one RFC 3164 datagram to the local syslog socket
 * ({@code syslog_logsock}, /dev/log by default): {@code <PRI>Mmm dd hh:mm:ss ident[pid]: message}, the
 * priority from {@code syslog_facility} and the record's level (Net::Server's levels: err, warning,
 * notice, info, debug). The JDK cannot send to a UNIX datagram socket, so the sending is
 * {@code LauncherCalls.sendDatagram} (FFM, the launcher on JDK 22+). A send never waits: a syslog daemon
 * that is behind or gone costs messages, counted and reported once, never the server's progress. Each
 * message names the socket's path afresh, so a restarted syslog daemon is reached without a reopen.
 */
final class SyslogLog extends Handler implements LogSink {
    /** Longer messages are cut: the datagram stays within what every syslog daemon accepts. */
    static final int MAX_MESSAGE_BYTES = 2048;
    private static final DateTimeFormatter RFC3164_TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);
    private static final SimpleFormatter MESSAGES = new SimpleFormatter();

    private final String socketPath;
    private final String tag;
    private final int facility;
    private final int socket;
    private final Method send;
    private final AtomicLong dropped = new AtomicLong();

    private SyslogLog(EngineConfig config, int socket, Method send) {
        this.socketPath = config.get(Settings.SYSLOG_LOGSOCK);
        boolean withPid = config.get(Settings.SYSLOG_LOGOPT).contains("pid");
        this.tag = config.get(Settings.SYSLOG_IDENT) + (withPid ? "[" + ProcessHandle.current().pid() + "]" : "");
        this.facility = config.get(Settings.SYSLOG_FACILITY).code();
        this.socket = socket;
        this.send = send;
    }

    /** Sends this JVM's log to syslog as {@code config} says, at {@code logLevel}. */
    static SyslogLog install(EngineConfig config, int logLevel) throws IOException {
        Method send = ProcessJarCalls.method("sendDatagram", int.class, String.class, byte[].class);
        int socket = (int) ProcessJarCalls.call("datagramSocket", new Class<?>[0]);
        SyslogLog log = new SyslogLog(config, socket, send);
        LogFile.replaceHandlers(log, LogFile.applyLevel(logLevel));
        return log;
    }

    /** Net::Server's severities (syslog's numbers) for java.util.logging's levels, as log_level maps them. */
    static int severity(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return 3; // err
        }
        if (value >= Level.WARNING.intValue()) {
            return 4; // warning
        }
        if (value >= Level.INFO.intValue()) {
            return 5; // notice
        }
        if (value >= Level.FINE.intValue()) {
            return 6; // info (CONFIG and FINE)
        }
        return 7; // debug
    }

    @Override
    public void notice(String line) {
        if (isLoggable(new LogRecord(Level.INFO, line))) {
            send(5, line);
        }
    }

    /** Nothing to reopen: every message is addressed to the socket's path anew. */
    @Override
    public void reopen() {
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String message = MESSAGES.formatMessage(record);
        if (record.getThrown() != null) {
            message += " (" + record.getThrown() + ")"; // one message a record: the trace's first line only
        }
        send(severity(record.getLevel()), message);
    }

    private void send(int severity, String message) {
        String line = "<" + (facility * 8 + severity) + ">" + RFC3164_TIME.format(ZonedDateTime.now()) + " " + tag + ": "
                + message.replace('\n', ' ').replace('\r', ' ');
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_MESSAGE_BYTES) {
            bytes = java.util.Arrays.copyOf(bytes, MAX_MESSAGE_BYTES);
        }
        int errno;
        try {
            errno = (int) send.invoke(null, socket, socketPath, bytes);
        } catch (IllegalAccessException | InvocationTargetException e) {
            reportError("cannot send to syslog socket " + socketPath, e, ErrorManager.WRITE_FAILURE);
            return;
        }
        if (errno != 0 && dropped.getAndIncrement() == 0) {
            // Once: reportError prints to standard error, which a syslog user may not watch; the count is in close().
            reportError("syslog socket " + socketPath + " takes no messages (errno " + errno + "); dropping them", null,
                    ErrorManager.WRITE_FAILURE);
        }
    }

    /** Messages the syslog socket did not take so far. */
    long dropped() {
        return dropped.get();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        try {
            ProcessJarCalls.call("close", new Class<?>[] {int.class}, socket);
        } catch (IOException e) {
            reportError("cannot close the syslog socket", e, ErrorManager.CLOSE_FAILURE);
        }
    }
}
