package dev.prefork.bridge.descriptor;

import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.DescriptorTransfer;
import dev.prefork.engine.config.EngineConfig;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which {@link DescriptorTransfer} a pool uses, decided once when its bridge starts: {@code pidfd} where
 * this JVM can take descriptors from the workers, else {@code message}; with the reason, for the log.
 *
 * @param transfer pidfd or message, never auto
 * @param reason   why, in words for the log line
 */
record TransferChoice(DescriptorTransfer transfer, String reason) {
    /** CAP_SYS_PTRACE: lets pidfd_getfd reach a process of another user. */
    private static final int CAP_SYS_PTRACE = 19;

    /**
     * Decides for {@code requested}, with the workers running as another user when {@code workersChangeUser}:
     * probes {@code pidfd_getfd} on this process and looks at this JVM's capabilities and the Yama ptrace scope.
     *
     * @throws ConfigException when pidfd is asked for and cannot work here
     */
    static TransferChoice decide(DescriptorTransfer requested, boolean workersChangeUser) {
        if (requested == DescriptorTransfer.MESSAGE) {
            return new TransferChoice(DescriptorTransfer.MESSAGE, "descriptor_transfer is message");
        }
        String obstacle = obstacle(dev.prefork.posix.PidfdCalls.probe(), workersChangeUser, canTraceOthers(), yamaScope());
        return choose(requested, obstacle);
    }

    /** The decision for {@code requested} given what stands in pidfd's way here (null: nothing). */
    static TransferChoice choose(DescriptorTransfer requested, String obstacle) {
        if (obstacle == null) {
            return new TransferChoice(DescriptorTransfer.PIDFD, requested == DescriptorTransfer.PIDFD
                    ? "descriptor_transfer is pidfd" : "descriptor_transfer auto: pidfd_getfd works here");
        }
        if (requested == DescriptorTransfer.PIDFD) {
            throw new ConfigException(EngineConfig.DESCRIPTOR_TRANSFER, "pidfd", obstacle + "; set descriptor_transfer to message or auto");
        }
        return new TransferChoice(DescriptorTransfer.MESSAGE, "descriptor_transfer auto: " + obstacle);
    }

    /**
     * What keeps this JVM from taking descriptors from its workers, or null: {@code probe} (the system
     * calls' own failure here), workers of another user without CAP_SYS_PTRACE, a Yama scope that needs it.
     */
    static String obstacle(String probe, boolean workersChangeUser, boolean canTraceOthers, int yamaScope) {
        if (probe != null) {
            return "pidfd_getfd cannot be used (" + probe + ")";
        }
        if (yamaScope >= 3) {
            return "Yama's ptrace_scope is " + yamaScope + " (no process may take another's descriptors)";
        }
        if (!canTraceOthers && yamaScope == 2) {
            return "Yama's ptrace_scope is 2 and this JVM lacks CAP_SYS_PTRACE";
        }
        if (!canTraceOthers && workersChangeUser) {
            return "the workers run as another user (user/group) and this JVM lacks CAP_SYS_PTRACE";
        }
        return null;
    }

    /** Whether this process has CAP_SYS_PTRACE in effect (root has), from /proc/self/status. */
    private static boolean canTraceOthers() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring(7).trim(), 16).testBit(CAP_SYS_PTRACE);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // treated as lacking it
        }
        return false;
    }

    /** /proc/sys/kernel/yama/ptrace_scope, or 0 without Yama (then the same user may trace, as here). */
    private static int yamaScope() {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/kernel/yama/ptrace_scope")).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
