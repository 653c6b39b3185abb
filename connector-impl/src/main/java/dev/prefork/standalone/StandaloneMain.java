package dev.prefork.standalone;

import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.engine.EngineException;
import dev.prefork.engine.LiveRetune;
import dev.prefork.engine.PreforkEngine;
import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Settings;
import dev.prefork.engine.config.SettingsDocs;
import dev.prefork.programs.ProgramPlan;
import dev.prefork.programs.ProgramSupervision;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the engine on its own with a built-in handler:
 * {@code java -jar prefork.jar --port 20204 --max_servers 4 --handler echo}. Every engine setting is
 * accepted as {@code --key value}; {@code --conf_file FILE} reads Net::Server-style "key value" lines
 * first. Ctrl-C stops the pool and leaves nothing behind; SIGHUP reads the settings again. With
 * {@code worker_program} or {@code program} it supervises those programs instead ({@link ProgramMode}).
 */
public final class StandaloneMain {

    private StandaloneMain() {
    }

    /** What the command line (and the conf_file it names) asks for. */
    static final class Launch {
        final Map<String, String> settings = new LinkedHashMap<>();
        /** Where each setting came from, for the log when SIGHUP changes it. */
        final Map<String, String> origins = new HashMap<>();
        String handlerName = "echo";
        int statusInterval;
        boolean help;
    }

    /** Reads the command line, and the conf_file where it names one (again at every SIGHUP). */
    static Launch parse(String[] args) throws IOException {
        Launch launch = new Launch();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                launch.help = true;
                return launch;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("expected --key value, got '" + arg + "'");
            }
            // Net::Daemon's command line (Getopt::Long) as well: --key=value, and --debug, --loop-child alone.
            String given;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 2) {
                given = arg.substring(2, equals);
                value = arg.substring(equals + 1);
            } else if (ConfFile.isSwitch(arg.substring(2)) && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
                given = arg.substring(2);
                value = "1";
            } else if (i + 1 < args.length) {
                given = arg.substring(2);
                value = args[++i];
            } else {
                throw new IllegalArgumentException("expected --key value, got '" + arg + "'");
            }
            String key = switch (given) {
                case "handler", "status_interval" -> given;
                default -> ConfFile.canonical(given, value, "command line --" + given);
            };
            switch (key) {
                case "handler" -> launch.handlerName = value;
                case "status_interval" -> launch.statusInterval = Integer.parseInt(value);
                case "conf_file" -> {
                    Map<String, String> before = new HashMap<>(launch.settings);
                    readConfFile(Path.of(value), launch.settings);
                    launch.settings.forEach((k, v) -> {
                        if (!v.equals(before.get(k))) {
                            launch.origins.put(k, "conf_file " + value);
                        }
                    });
                }
                default -> {
                    // The same rules as in a conf_file: list settings accumulate, the value is checked here.
                    ConfFile.put(launch.settings, key, value, "command line --" + given);
                    launch.origins.put(key, "command line --" + given);
                }
            }
        }
        if (launch.handlerName.equals("daytime") && !launch.settings.containsKey(EngineConfig.DELIVER_ON)) {
            // The server speaks first: its clients send nothing, and would wait for first_byte_timeout.
            launch.settings.put(EngineConfig.DELIVER_ON, "accept");
            launch.origins.put(EngineConfig.DELIVER_ON, "--handler daytime");
        }
        return launch;
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("java.util.logging.manager") == null) {
            // Before anything logs: see LogFile.KeptOpenAtExit (the pool's stop is logged from a shutdown hook).
            System.setProperty("java.util.logging.manager", LogFile.KeptOpenAtExit.class.getName());
        }
        PrintStream out = System.out;
        Map<String, String> settings;
        Map<String, String> origins;
        String handlerName;
        int statusInterval;
        try {
            Launch launch = parse(args);
            if (launch.help) {
                usage(out);
                return;
            }
            settings = launch.settings;
            origins = launch.origins;
            handlerName = launch.handlerName;
            statusInterval = launch.statusInterval;
        } catch (NumberFormatException e) {
            System.err.println("prefork: status_interval must be a whole number of seconds (" + e.getMessage() + ")");
            System.exit(2);
            return;
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("prefork: " + e.getMessage() + " (try --help)");
            System.exit(2);
            return;
        }
        if (!detachRequested(settings) || Background.isDaemon()) {
            // The process that serves, before it opens or starts anything (a background command only relays).
            LauncherJvm.restartSizedIfDefault(settings, origins, args, System.err);
        }
        if (detachRequested(settings)) {
            String why = ProcessJarCalls.unavailableReason();
            if (why != null) {
                String key = settings.containsKey(Settings.BACKGROUND.key()) ? Settings.BACKGROUND.key() : Settings.SETSID.key();
                System.err.println("prefork: " + key + "=" + settings.get(key) + " (from " + origins.get(key) + ") " + why);
                System.exit(2);
                return;
            }
            if (!Background.isDaemon()) {
                try {
                    System.exit(Background.startDaemon(args, out));
                } catch (IOException e) {
                    System.err.println("prefork: background: cannot start the server: " + e.getMessage());
                    System.exit(1);
                }
                return;
            }
            try {
                Background.beginSession();
            } catch (IOException e) {
                System.err.println("prefork: background: " + e.getMessage());
                System.exit(1);
                return;
            }
        }
        ConnectionHandler handler = BuiltinHandlers.BY_NAME.get(handlerName);
        if (handler == null) {
            System.err.println("prefork: handler=" + handlerName + " is not valid: must be one of " + BuiltinHandlers.BY_NAME.keySet());
            System.exit(2);
            return;
        }
        PreforkEngine engine = null;
        ProgramSupervision programs = null;
        EngineConfig config;
        PidFile pidFile = null;
        LogSink log;
        DequeueJobs dequeue = null;
        StopAtExit stopAtExit = null;
        try {
            config = EngineConfig.fromMap(settings);
            UserSwitchCheck.check(config, key -> origins.getOrDefault(key, "the default"));
            String logPath = config.get(Settings.LOG_FILE);
            try {
                log = Settings.SYSLOG.equals(logPath) ? SyslogLog.install(config, config.get(Settings.LOG_LEVEL))
                        : LogFile.install(logPath, config.get(Settings.LOG_LEVEL));
            } catch (IOException e) {
                throw new IOException("log_file='" + logPath + "' cannot be "
                        + (Settings.SYSLOG.equals(logPath) ? "used: " + e.getMessage() : "opened for appending: " + e)
                        + " (from " + origins.getOrDefault(Settings.LOG_FILE.key(), "the command line") + ")");
            }
            if (log != null) {
                out = new LoggedLines(out, log);
            }
            Path pidPath = config.get(Settings.PID_FILE);
            if (pidPath != null) {
                // Before the pool starts: a second copy must fail before it binds or forks anything.
                pidFile = PidFile.claim(pidPath, origins.getOrDefault(Settings.PID_FILE.key(), "the command line"), out);
            }
            dequeue = DequeueJobs.start(config, out); // its first job after check_for_dequeue seconds
            // Before the start: a Ctrl-C while it runs (the ports may answer first) must find a hook that
            // stops what started; the hook waits for the start, at most the grace period (see StopAtExit).
            stopAtExit = StopAtExit.install(dequeue, pidFile, Duration.ofSeconds(config.gracefulShutdownTimeout()), out);
            if (ProgramPlan.requested(config)) {
                programs = ProgramMode.start(config, key -> origins.getOrDefault(key, "the default"), origins.keySet(), out);
                stopAtExit.started(programs::stop);
            } else {
                ProgramPlan.refuseWithoutPrograms(config, key -> origins.getOrDefault(key, "the default"), origins.keySet());
                engine = PreforkEngine.start(config, handler);
                stopAtExit.started(engine::stop);
            }
        } catch (ConfigException | EngineException | IllegalStateException | IOException e) {
            System.err.println("prefork: " + e.getMessage());
            if (stopAtExit != null) {
                stopAtExit.startFailed();
                if (stopAtExit.exiting()) {
                    return; // the JVM is exiting already (a start it abandoned, say): its hook finishes the stop
                }
            }
            System.exit(1);
            return;
        }
        if (stopAtExit.exiting()) {
            // A signal came during the start: start nothing more, the hook stops what started and the JVM ends
            // after it. No wait here: this thread may carry the interrupt of a hook that gave up waiting.
            return;
        }
        if (programs != null) {
            ProgramMode.serve(programs, args, config, out, log, pidFile, stopAtExit);
            return;
        }
        rereadOnHangup(args, engine, config, out, log);
        reopenOnUsr1(log, out);
        PreforkEngine resized = engine;
        PrintStream said = out;
        ResizeSignals.install(() -> {
            resized.addWorker();
            said.println("prefork: SIGTTIN: one more worker per port");
        }, () -> {
            resized.removeWorker();
            said.println("prefork: SIGTTOU: one worker per port fewer (at least one stays)");
        }, out);
        if (!writePidFile(pidFile)) {
            return;
        }
        boolean full = engine.awaitAccepting(Duration.ofSeconds(60));
        List<String> addresses = engine.boundAddresses();
        out.println("prefork: " + handlerName + " on " + addresses + ", " + engine.config().maxServers()
                + " workers" + (full ? " accepting" : " starting") + " (supervisor pid " + engine.supervisorPid() + "); Ctrl-C stops");
        String first = addresses.get(0);
        if (!first.startsWith("unix:")) {
            String host = first.startsWith("*") ? "127.0.0.1" : first.substring(0, first.lastIndexOf(':')).replace("[", "").replace("]", "");
            out.println("prefork: try  printf 'hello\\n' | nc -q1 " + host + " " + engine.boundPort(0));
        }
        if (Background.isDaemon()) {
            try {
                Background.detach(out);
            } catch (IOException e) {
                out.println("prefork: background: the standard streams stay open: " + e.getMessage());
            }
        }
        if (statusInterval > 0) {
            printStatusUntilStopped(engine, stopAtExit, statusInterval, out);
        }
        stopAtExit.awaitStopped();
    }

    /** Writes the pid_file, if any, once the ports are bound; when it cannot, says why and exits (the hook stops the server). */
    static boolean writePidFile(PidFile pidFile) {
        if (pidFile != null) {
            try {
                pidFile.write();
            } catch (IOException e) {
                System.err.println("prefork: " + e.getMessage());
                System.exit(1);
                return false;
            }
        }
        return true;
    }

    /**
     * SIGHUP to this process re-reads the command line's conf_file, as Net::Server does: the settings a
     * running pool can take (max_servers, max_requests, jitter, graceful_shutdown_timeout) apply at once,
     * every worker is replaced (new ones first) so that all run with them, and any other change is
     * reported as applying at the next start. A conf_file that no longer reads or validates changes
     * nothing and says why.
     */
    @SuppressWarnings("restriction")
    private static void rereadOnHangup(String[] args, PreforkEngine engine, EngineConfig startedWith, PrintStream out,
                                       LogSink log) {
        LiveRetune retune = new LiveRetune(engine, startedWith);
        Runnable reread = () -> {
            reopen(log, out, "SIGHUP");
            try {
                Launch launch = parse(args);
                EngineConfig next = EngineConfig.fromMap(launch.settings);
                retune.apply(next, key -> launch.origins.getOrDefault(key, "default"))
                        .forEach(change -> out.println("prefork: SIGHUP: " + change));
                engine.restart();
                out.println("prefork: SIGHUP: settings read again; replacing every worker, new ones first");
            } catch (IOException | RuntimeException e) {
                out.println("prefork: SIGHUP: the settings were not changed: " + e.getMessage());
            }
        };
        try {
            HangupDisposition.restoreIfIgnored(out);
            // The JVM's signal thread must not wait for the supervisor: hand the work to a thread of its own.
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                Thread thread = new Thread(reread, "prefork-sighup");
                thread.setDaemon(true);
                thread.start();
            });
        } catch (IllegalArgumentException e) {
            out.println("prefork: SIGHUP cannot be handled here (" + e.getMessage() + "); settings are read once");
        }
    }

    /**
     * SIGUSR1 reopens the log_file and does nothing else: the signal logrotate's postrotate sends to
     * daemons that keep their log open (nginx's convention), without replacing any worker as HUP does.
     */
    @SuppressWarnings("restriction")
    static void reopenOnUsr1(LogSink log, PrintStream out) {
        if (!(log instanceof LogFile)) {
            return; // the JVM's default for USR1 stays: nothing to reopen (syslog is addressed afresh per message)
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR1"), signal -> {
                Thread thread = new Thread(() -> reopen(log, out, "SIGUSR1"), "prefork-sigusr1");
                thread.setDaemon(true);
                thread.start();
            });
        } catch (IllegalArgumentException e) {
            out.println("prefork: SIGUSR1 cannot be handled here (" + e.getMessage() + "); SIGHUP reopens the log_file");
        }
    }

    static void reopen(LogSink sink, PrintStream out, String signal) {
        if (!(sink instanceof LogFile log)) {
            return;
        }
        try {
            log.reopen();
            out.println("prefork: " + signal + ": log_file " + log.path() + " reopened");
        } catch (IOException e) {
            out.println("prefork: " + signal + ": log_file " + log.path() + " cannot be reopened (" + e + "); still writing to the"
                    + " file it had open");
        }
    }

    /** The launcher's own lines, on standard output as always and in the log_file too. */
    private static final class LoggedLines extends PrintStream {
        private final LogSink log;

        LoggedLines(PrintStream out, LogSink log) {
            super(out, true, java.nio.charset.StandardCharsets.UTF_8);
            this.log = log;
        }

        @Override
        public void println(String line) {
            super.println(line);
            log.notice(line.startsWith("prefork: ") ? line.substring("prefork: ".length()) : line);
        }
    }

    /** Net::Server has no such view; operators of a pre-forked pool want one. */
    private static void printStatusUntilStopped(PreforkEngine engine, StopAtExit stopped, int seconds, PrintStream out)
            throws InterruptedException {
        while (!stopped.awaitStopped(seconds)) {
            try {
                out.println("prefork: " + engine.snapshot().summary());
            } catch (EngineException e) {
                out.println("prefork: " + e.getMessage());
            }
        }
    }

    /** Whether background or setsid is set: either detaches the launcher into a session of its own. */
    private static boolean detachRequested(Map<String, String> settings) {
        return Settings.BACKGROUND.parse(settings.getOrDefault(Settings.BACKGROUND.key(), "false"))
                || Settings.SETSID.parse(settings.getOrDefault(Settings.SETSID.key(), "false"));
    }

    /** Net::Server's conf_file format (see {@link ConfFile}), on top of {@code settings}. */
    static void readConfFile(Path file, Map<String, String> settings) throws IOException {
        ConfFile.read(file, settings);
    }

    static void usage(PrintStream out) {
        out.println("usage: java -jar prefork.jar [--handler echo|daytime|discard] [--conf_file FILE] [--status_interval SECONDS] [--KEY VALUE]...");
        out.println();
        out.println("settings (Net::Server names):");
        SettingsDocs.helpLines().forEach(out::println);
    }
}
