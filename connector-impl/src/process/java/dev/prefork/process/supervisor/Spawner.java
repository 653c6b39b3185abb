package dev.prefork.process.supervisor;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.protocol.SupervisorProtocol;
import dev.prefork.engine.protocol.WorkerEnvironment;
import dev.prefork.process.posix.Posix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Starts worker JVMs with {@code posix_spawn}: the pool's listening socket becomes the worker's
 * standard input, its standard output and error go to our standard error (the log), every other
 * descriptor is closed, and the signal mask and dispositions are reset.
 */
final class Spawner {
    private final List<String> commandPrefix;
    private final Map<String, String> baseEnvironment;

    Spawner(EngineConfig config, String secretHex, Path bridgeSocket, Path supervisorSocket, Path scoreboard) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(config.workerJvmOptions());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Dprefork.worker=" + config.name());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SupervisorProtocol.WORKER_MAIN);
        this.commandPrefix = List.copyOf(command);

        Map<String, String> env = new TreeMap<>(System.getenv());
        env.keySet().removeIf(key -> key.startsWith("PREFORK_"));
        env.put(WorkerEnvironment.NAME, config.name());
        env.put(WorkerEnvironment.SECRET, secretHex);
        env.put(WorkerEnvironment.BRIDGE_SOCKET, bridgeSocket.toString());
        env.put(WorkerEnvironment.SUPERVISOR_SOCKET, supervisorSocket.toString());
        env.put(WorkerEnvironment.SCOREBOARD, scoreboard.toString());
        env.put(WorkerEnvironment.MAX_REQUESTS, Integer.toString(config.maxRequests()));
        env.put(WorkerEnvironment.SERIALIZE, config.serialize().key());
        env.put(WorkerEnvironment.GRACE_SECONDS, Integer.toString(config.gracefulShutdownTimeout()));
        this.baseEnvironment = env;
    }

    /** Spawns one worker for {@code pool} in {@code slot}; returns its pid. */
    long spawn(Pool pool, int slot) {
        Map<String, String> env = new TreeMap<>(baseEnvironment);
        env.put(WorkerEnvironment.SLOT, Integer.toString(slot));
        env.put(WorkerEnvironment.PORT_INDEX, Integer.toString(pool.index));
        env.put(WorkerEnvironment.ACCEPT_LOCK, pool.turn.workerArgument());
        String[] envp = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        String[] argv = commandPrefix.toArray(String[]::new);
        return Posix.spawn(argv, envp, new int[] {pool.socket.fd(), 0, 2, 1}, 3);
    }
}
