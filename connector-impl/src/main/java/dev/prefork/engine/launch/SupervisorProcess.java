package dev.prefork.engine.launch;

import dev.prefork.engine.EngineException;
import dev.prefork.engine.PoolSnapshot;
import dev.prefork.engine.WorkerSnapshot;
import dev.prefork.engine.WorkerState;
import dev.prefork.engine.protocol.SupervisorProtocol;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The controlling JVM's handle on its supervisor process: it starts it with {@link ProcessBuilder} (so
 * the controlling JVM makes no native call and leaks it no descriptor), writes commands to its standard
 * input, and reads its reports and log lines on two threads that only record what they read.
 */
public final class SupervisorProcess {
    private static final Logger PROCESS_LOG = Logger.getLogger("dev.prefork.process");
    /**
     * JVM flags of the supervisor: it is small and long-lived; it needs native access for FFM. A small
     * young generation (it allocates little; every page of eden it cycles through stays resident), no
     * hsperfdata file, the C1 compiler's freed arenas handed back, and its class-data-sharing archive
     * mapped at the address it was made for (relocating writes into the mapped pages); JVM warnings go
     * to standard error, the log, never into the report stream on standard output. Core reflection through
     * the JDK's native accessors: the method-handle accessors (the default since JDK 18) generate classes at
     * each first reflective call, which a cold JVM pays for (measured with the workers, issue 13's fifth pass).
     * Native access is added per JDK ({@link JavaHomes#nativeAccessOption}).
     */
    private static final List<String> SUPERVISOR_JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC", "-Xmx32m", "-Xmn4m", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-XX:ReservedCodeCacheSize=16m", "-XX:-UsePerfData", "-XX:+UnlockDiagnosticVMOptions",
            "-XX:ArchiveRelocationMode=0", "-XX:TrimNativeHeapInterval=1000", "-Xlog:disable", "-Xlog:all=warning:stderr",
            "-Djdk.reflect.useNativeAccessorOnly=true");

    /** The supervisor's JVM options for the JDK of {@code java}; its archive is keyed by them. */
    static List<String> jvmOptions(Path java) {
        List<String> options = new ArrayList<>(SUPERVISOR_JVM_OPTIONS);
        options.add(JavaHomes.nativeAccessOption(JavaHomes.featureVersionOfLauncher(java)));
        return List.copyOf(options);
    }

    private final Process process;
    private final BufferedWriter commands;
    private final Object lock = new Object();
    private final List<String> bound = new ArrayList<>();
    private final List<String> resources = new ArrayList<>();
    private String statusAddress;
    private String agentAddress;
    private boolean ready;
    private String fatal;
    private boolean outputEnded;
    private boolean stoppedCleanly;
    private int accepting;
    private int target;
    private long nextSnapshotId;
    private SnapshotCollector collecting;
    private final Map<Long, PoolSnapshot> finishedSnapshots = new HashMap<>();
    private final Map<Long, Map<String, String>> statusAnswers = new HashMap<>();

    /** Package-private for the report-parsing fuzz test, which hands it a stand-in process. */
    SupervisorProcess(Process process) {
        this.process = process;
        this.commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts {@code java -cp jar SupervisorMain}; it waits for its configuration on standard input. With
     * a {@code cache}, the supervisor starts from (or makes) its class-data-sharing archive there.
     */
    public static SupervisorProcess launch(Path java, Path jar, String name, CacheDirectory cache) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        List<String> options = jvmOptions(java);
        command.addAll(options);
        SupervisorArchive archive = SupervisorArchive.in(cache, java, jar, options);
        if (archive != null) {
            command.addAll(archive.options());
        }
        command.add("-Dprefork.name=" + name);
        command.add("-cp");
        command.add(jar.toString());
        command.add(SupervisorProtocol.SUPERVISOR_MAIN);
        ProcessBuilder builder = new ProcessBuilder(command);
        Process process = builder.start();
        if (archive != null) {
            process.onExit().thenAccept(ended -> archive.exited(ended.exitValue()));
        }
        SupervisorProcess supervisor = new SupervisorProcess(process);
        supervisor.startReader("prefork-supervisor-out-" + name, process.getInputStream(), supervisor::onReport);
        supervisor.startReader("prefork-supervisor-log-" + name, process.getErrorStream(), SupervisorProcess::onLogLine);
        return supervisor;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void startReader(String threadName, InputStream stream, java.util.function.Consumer<String> sink) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the process is gone; handled below
            } finally {
                if (stream == process.getInputStream()) {
                    synchronized (lock) {
                        outputEnded = true;
                        lock.notifyAll();
                    }
                }
            }
        }, threadName);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Log lines look like {@code LEVEL [role pid] text}; they go to java.util.logging as they are. The JVMs'
     * own notices about their module options are logged at FINE ({@link ModuleOptionNotices} says why).
     */
    private static void onLogLine(String line) {
        if (ModuleOptionNotices.isModuleOptionNotice(line)) {
            PROCESS_LOG.fine(line);
            return;
        }
        int space = line.indexOf(' ');
        Level level = Level.INFO;
        String text = line;
        if (space > 0) {
            switch (line.substring(0, space)) {
                case "SEVERE" -> level = Level.SEVERE;
                case "WARNING" -> level = Level.WARNING;
                case "INFO" -> level = Level.INFO;
                case "FINE" -> level = Level.FINE;
                default -> space = -1;
            }
            if (space > 0) {
                text = line.substring(space + 1);
            }
        }
        PROCESS_LOG.log(level, text);
    }

    /**
     * Records one report line. A line that does not parse is logged and skipped: it must not end the
     * reader thread, or the supervisor would block once the unread pipe is full.
     */
    void onReport(String line) {
        String[] words = line.split(" ", 2);
        String rest = words.length > 1 ? words[1] : "";
        synchronized (lock) {
            try {
                record(words[0], rest, line);
            } catch (RuntimeException e) {
                PROCESS_LOG.warning("unreadable report from the supervisor (" + e + "): " + line);
            } finally {
                lock.notifyAll();
            }
        }
    }

    private void record(String kind, String rest, String line) {
        switch (kind) {
            case SupervisorProtocol.BOUND -> bound.add(rest.split(" ", 2)[1]);
            case SupervisorProtocol.READY -> ready = true;
            case SupervisorProtocol.STATUS_BOUND -> statusAddress = rest;
            case SupervisorProtocol.AGENT_BOUND -> agentAddress = rest;
            case SupervisorProtocol.FATAL -> fatal = rest;
            case SupervisorProtocol.RESOURCE -> resources.add(rest);
            case SupervisorProtocol.POOL -> {
                String[] counts = rest.split(" ");
                int newAccepting = Integer.parseInt(counts[0]);
                target = Integer.parseInt(counts[1]);
                accepting = newAccepting;
            }
            case SupervisorProtocol.SNAPSHOT_BEGIN -> collecting = new SnapshotCollector(Long.parseLong(rest));
            case SupervisorProtocol.WORKER -> {
                if (collecting != null) {
                    collecting.workers.add(parseWorker(rest));
                }
            }
            case SupervisorProtocol.SNAPSHOT_END -> {
                if (collecting != null) {
                    SnapshotCollector done = collecting;
                    collecting = null;
                    finishedSnapshots.put(done.id, done.finish(rest, process.pid()));
                }
            }
            case SupervisorProtocol.STATUS -> {
                String[] idAndFields = rest.split(" ", 2);
                long id = Long.parseLong(idAndFields[0]);
                statusAnswers.put(id, parseFields(idAndFields.length > 1 ? idAndFields[1] : ""));
                // An answer nobody waits for any more (its request timed out) must not stay forever.
                statusAnswers.keySet().removeIf(older -> older < id - 64);
            }
            case SupervisorProtocol.STOPPED -> stoppedCleanly = true;
            default -> PROCESS_LOG.warning("unexpected report from the supervisor: " + line);
        }
    }

    /** Sends one command line; false when the supervisor no longer listens. */
    public boolean send(String line) {
        synchronized (commands) {
            try {
                commands.write(line);
                commands.write('\n');
                commands.flush();
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** Closes the supervisor's standard input, which it takes as the controlling JVM going away. */
    public void closeInput() {
        synchronized (commands) {
            try {
                commands.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    /**
     * Waits until every port is bound and a first worker reached its accept loop, so that the pool can
     * serve; returns the bound addresses, or fails with the supervisor's own message.
     */
    public List<String> awaitReady(Duration timeout) throws EngineException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!(ready && accepting > 0) && fatal == null && !outputEnded) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new EngineException("the pool did not start within " + timeout.toSeconds() + " s ("
                            + (ready ? "ports bound, but no worker reached its accept loop" : "the supervisor did not bind its ports")
                            + "); see the log lines of the supervisor (pid " + pid() + ") above");
                }
                lock.wait(left);
            }
            if (fatal != null) {
                throw new EngineException(fatal);
            }
            if (!ready || accepting == 0) {
                throw new EngineException("the supervisor process (pid " + pid() + ") exited while starting; see its log lines above");
            }
            return List.copyOf(bound);
        }
    }

    /** Waits until at least {@code workers} workers have reached their accept loop. */
    public boolean awaitAccepting(int workers, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (accepting < workers && !outputEnded) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                lock.wait(left);
            }
            return accepting >= workers;
        }
    }

    /** Where the supervisor serves /status, as bound; null when status_port is off. */
    public String statusAddress() {
        synchronized (lock) {
            return statusAddress;
        }
    }

    /** Where the supervisor answers HAProxy's agent-check, as bound; null when agent_port is off. */
    public String agentAddress() {
        synchronized (lock) {
            return agentAddress;
        }
    }

    public int accepting() {
        synchronized (lock) {
            return accepting;
        }
    }

    /** Asks the supervisor for the pool's state and waits for the answer. */
    public PoolSnapshot snapshot(Duration timeout) throws EngineException, InterruptedException {
        long id;
        synchronized (lock) {
            id = ++nextSnapshotId;
        }
        if (!send(SupervisorProtocol.SNAPSHOT + " " + id)) {
            throw new EngineException("the supervisor process is gone; the pool is down");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!finishedSnapshots.containsKey(id)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (outputEnded) {
                    throw new EngineException("the supervisor process is gone; the pool is down");
                }
                if (left <= 0) {
                    throw new EngineException("the supervisor did not answer a snapshot request within " + timeout.toMillis() + " ms");
                }
                lock.wait(left);
            }
            return finishedSnapshots.remove(id);
        }
    }

    /**
     * Asks the supervisor for the figures its status port shows ({@code key=value}, see
     * {@code StatusFormats.fields}) and waits for the answer. The supervisor answers from its command
     * reader, not its arbiter, so the answer does not wait behind spawning or reaping.
     */
    public Map<String, String> status(Duration timeout) throws EngineException, InterruptedException {
        long id;
        synchronized (lock) {
            id = ++nextSnapshotId;
        }
        if (!send(SupervisorProtocol.STATUS + " " + id)) {
            throw new EngineException("the supervisor process is gone; the pool is down");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!statusAnswers.containsKey(id)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (outputEnded) {
                    throw new EngineException("the supervisor process is gone; the pool is down");
                }
                if (left <= 0) {
                    throw new EngineException("the supervisor did not answer a status request within " + timeout.toMillis() + " ms");
                }
                lock.wait(left);
            }
            return statusAnswers.remove(id);
        }
    }

    private static Map<String, String> parseFields(String fields) {
        Map<String, String> values = new HashMap<>();
        for (String pair : fields.split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return Map.copyOf(values);
    }

    /** Waits for the process to exit and its report stream to end; true when both happened in time. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        synchronized (lock) {
            while (!outputEnded) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                lock.wait(left);
            }
        }
        return true;
    }

    /** Waits, without a limit, until the process has exited; for the thread that watches it. */
    public void awaitDeath() throws InterruptedException {
        process.waitFor();
    }

    /**
     * Why the process ended, for the log: its exit status or the signal that killed it, and the
     * message it reported as fatal, if any. Only once it has exited.
     */
    public String causeOfDeath() {
        int status = process.exitValue();
        String how = status > 128 ? "killed by signal " + (status - 128) + " (exit status " + status + ")" : "exit status " + status;
        synchronized (lock) {
            return fatal != null ? how + "; it reported: " + fatal : how;
        }
    }

    /**
     * Kills the supervisor and every process under it. Its workers first: once it is dead they are
     * another process's children, out of reach of this JVM, and a worker that was starting (no link to
     * the supervisor yet, so it cannot see it go) would run on until its start-up failed. Two passes, for
     * a worker spawned while the first was under way.
     */
    public void destroyForcibly() {
        for (int pass = 0; pass < 2; pass++) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        process.destroyForcibly();
    }

    /** True when the supervisor said it stopped and released everything it owned. */
    public boolean stoppedCleanly() {
        synchronized (lock) {
            return stoppedCleanly;
        }
    }

    /** Resources the supervisor announced (e.g. {@code semaphore 42}), for clean-up when it could not do it. */
    public List<String> resources() {
        synchronized (lock) {
            return List.copyOf(resources);
        }
    }

    private static WorkerSnapshot parseWorker(String fields) {
        Map<String, String> values = new HashMap<>();
        int peerAt = fields.indexOf(" peer=");
        String head = peerAt >= 0 ? fields.substring(0, peerAt) : fields;
        values.put("peer", peerAt >= 0 ? fields.substring(peerAt + 6) : "");
        for (String pair : head.split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return new WorkerSnapshot(
                Integer.parseInt(values.get("slot")),
                Long.parseLong(values.get("pid")),
                Integer.parseInt(values.get("port")),
                WorkerState.valueOf(values.get("state").toUpperCase(Locale.ROOT)),
                Long.parseLong(values.get("served")),
                Instant.ofEpochMilli(Long.parseLong(values.get("started"))),
                Instant.ofEpochMilli(Long.parseLong(values.get("since"))),
                values.get("peer"));
    }

    private static final class SnapshotCollector {
        final long id;
        final List<WorkerSnapshot> workers = new ArrayList<>();

        SnapshotCollector(long id) {
            this.id = id;
        }

        PoolSnapshot finish(String endLine, long supervisorPid) {
            Map<String, Long> totals = new HashMap<>();
            for (String pair : endLine.split(" ")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    totals.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
                }
            }
            return new PoolSnapshot(Instant.now(), supervisorPid, totals.getOrDefault("target", 0L).intValue(),
                    totals.getOrDefault("spawned", 0L), totals.getOrDefault("exited", 0L), List.copyOf(workers),
                    totals.getOrDefault("retired_rss", 0L), totals.getOrDefault("retired_age", 0L), 0);
        }
    }
}
