package dev.prefork.supervisor;

import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.protocol.Scoreboard;
import dev.prefork.engine.protocol.SupervisorProtocol;
import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.posix.Posix;
import dev.prefork.posix.PosixException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The supervisor process. Reads its configuration from standard input (see {@link SupervisorProtocol}),
 * binds every port, makes what the workers take turns on, reports the bound addresses, and hands over
 * to the {@link Arbiter}. Whatever it made it also releases, on every way out but SIGKILL.
 */
public final class SupervisorMain {
    private static final int EVENT_QUEUE_CAPACITY = 4096;

    private SupervisorMain() {
    }

    public static void main(String[] args) {
        PrintStream reports = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        ProcessLog log = new ProcessLog("supervisor", System.getProperty("prefork.name", "prefork"));
        try {
            Posix.becomeProcessGroupLeader();
        } catch (PosixException e) {
            log.warning("cannot leave the controlling JVM's process group: " + e.getMessage());
        }
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int status;
        try {
            status = run(commands, reports, log);
        } catch (Throwable t) {
            log.severe("supervisor failed", t);
            reports.println(SupervisorProtocol.FATAL + " the supervisor failed: " + t);
            reports.flush();
            status = 1;
        }
        System.exit(status);
    }

    private static int run(BufferedReader commands, PrintStream reports, ProcessLog log) throws Exception {
        Map<String, String> settings = new HashMap<>();
        String secret = null;
        Path bridge = null;
        Path runtime = null;
        Path cache = null;
        for (String line; (line = commands.readLine()) != null && !line.equals(SupervisorProtocol.START); ) {
            String[] words = line.split(" ", 3);
            switch (words[0]) {
                case SupervisorProtocol.SET -> settings.put(words[1], words.length > 2 ? words[2] : "");
                case SupervisorProtocol.SECRET -> secret = words[1];
                case SupervisorProtocol.BRIDGE -> bridge = Path.of(line.substring(words[0].length() + 1));
                case SupervisorProtocol.RUNTIME -> runtime = Path.of(line.substring(words[0].length() + 1));
                case SupervisorProtocol.CACHE -> cache = Path.of(line.substring(words[0].length() + 1));
                default -> throw new IllegalStateException("unexpected set-up line: " + words[0]);
            }
        }
        if (secret == null || bridge == null || runtime == null || cache == null) {
            throw new IllegalStateException("incomplete set-up from the controlling JVM");
        }
        EngineConfig config;
        try {
            config = EngineConfig.fromMap(settings);
        } catch (ConfigException e) {
            reports.println(SupervisorProtocol.FATAL + " " + e.getMessage());
            reports.flush();
            return 1;
        }

        int slotsPerPool = Pool.SLOTS;
        Scoreboard scoreboard = Scoreboard.create(runtime.resolve("scoreboard"), slotsPerPool * config.ports().size());
        List<Pool> pools = new ArrayList<>();
        BlockingQueue<Event> events = new ArrayBlockingQueue<>(EVENT_QUEUE_CAPACITY);
        LiveLimits limits = new LiveLimits(config);
        HelloListener links = null;
        StatusPorts watch = null;
        Spawner spawner = null;
        boolean orphaned = false;
        try {
            try {
                for (int i = 0; i < config.ports().size(); i++) {
                    pools.add(openPool(config, i, runtime, slotsPerPool));
                }
                links = new HelloListener(runtime.resolve("supervisor.sock"), events,
                        slotsPerPool * config.ports().size() + 16, log);
                watch = StatusPorts.open(config, limits, scoreboard, pools, log);
                if (UserSwitch.requested(config)) {
                    UserSwitch.apply(config, runtime, configuredLockFiles(config), log);
                }
            } catch (IOException e) {
                reports.println(SupervisorProtocol.FATAL + " " + e.getMessage());
                reports.flush();
                return 1;
            }
            for (Pool pool : pools) {
                reports.println(SupervisorProtocol.BOUND + " " + pool.index + " " + pool.socket.boundAddress());
                String orphan = pool.turn.orphanReport();
                if (orphan != null) {
                    reports.println(SupervisorProtocol.RESOURCE + " " + orphan);
                }
            }
            watch.reportBound(reports);
            reports.println(SupervisorProtocol.READY);
            reports.flush();

            Reaper reaper = new Reaper(events);
            daemon("prefork-reaper", reaper).start();
            daemon("prefork-worker-links", links).start();
            daemon("prefork-commands", () -> readCommands(commands, events)).start();
            SignalQueue.install(events, log);

            // Computed once: the archive is keyed by the very options the spawner starts workers with.
            List<String> workerOptions = Spawner.jvmOptions(config);
            WorkerArchive archive = config.workerCds()
                    ? WorkerArchive.in(cache, Path.of(System.getProperty("java.class.path")), Path.of(System.getProperty("java.home")),
                            WorkerArchive.Format.forJdk(Runtime.version().feature()), workerOptions, log)
                    : WorkerArchive.disabled(log);
            spawner = new Spawner(config, workerOptions, limits, secret, bridge, links.path(), runtime.resolve("scoreboard"), archive);
            log.info("supervising " + config.maxServers() + " workers per port on " + boundAddresses(pools)
                    + " (serialize " + config.serialize().key() + ", max_requests " + config.maxRequests() + ")");
            orphaned = new Arbiter(config, events, pools, scoreboard, new SpawnedWorkers(spawner, reaper), reports, log, watch).run();
        } finally {
            if (watch != null) {
                watch.close();
            }
            if (spawner != null) {
                spawner.close();
            }
            if (links != null) {
                links.close();
            }
            for (Pool pool : pools) {
                pool.close();
            }
            scoreboard.close();
            Files.deleteIfExists(runtime.resolve("scoreboard"));
        }
        if (orphaned) {
            // Nobody is left to remove the private directory (and the bridge socket in it).
            dev.prefork.engine.launch.RuntimeDirectory.deleteTree(runtime);
        }
        reports.println(SupervisorProtocol.STOPPED);
        reports.flush();
        log.fine("stopped");
        return 0;
    }

    private static Pool openPool(EngineConfig config, int index, Path runtime, int slotsPerPool) throws IOException {
        ListeningSocket socket = ListeningSocket.open(config.ports().get(index), config.listen());
        try {
            Path configuredLock = config.lockFile().isPresent() ? configuredLockFiles(config).get(index) : null;
            String generated = switch (config.serialize()) {
                case PIPE -> "accept-" + index + ".fifo";
                default -> "accept-" + index + ".lock";
            };
            AcceptLockResource turn = AcceptLockResource.create(config.serialize(), configuredLock, runtime.resolve(generated));
            return new Pool(index, socket, turn, config.maxServers(), index * slotsPerPool, slotsPerPool);
        } catch (PosixException e) {
            socket.close();
            throw new IOException(e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The lock files a configured lock_file names: one per port, the second and later with .1, .2 ... */
    private static List<Path> configuredLockFiles(EngineConfig config) {
        List<Path> files = new ArrayList<>();
        config.lockFile().ifPresent(file -> {
            for (int i = 0; i < config.ports().size(); i++) {
                files.add(i == 0 ? file : Path.of(file + "." + i));
            }
        });
        return files;
    }

    private static List<String> boundAddresses(List<Pool> pools) {
        return pools.stream().map(pool -> pool.socket.boundAddress()).toList();
    }

    private static void readCommands(BufferedReader commands, BlockingQueue<Event> events) {
        try {
            for (String line; (line = commands.readLine()) != null; ) {
                events.put(new Event.Command(line));
            }
        } catch (IOException e) {
            // treated as end of input
        } catch (InterruptedException e) {
            return;
        }
        try {
            events.put(new Event.InputClosed());
        } catch (InterruptedException ignored) {
            // leaving
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }
}
