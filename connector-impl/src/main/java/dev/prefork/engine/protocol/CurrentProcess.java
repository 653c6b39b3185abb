package dev.prefork.engine.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's id, read from /proc/self: {@code ProcessHandle.current()} starts lambda machinery a worker does not otherwise need. */
public final class CurrentProcess {
    private static final long PID = readPid();

    private CurrentProcess() {
    }

    public static long pid() {
        return PID;
    }

    private static long readPid() {
        try {
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
        } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
            return ProcessHandle.current().pid();
        }
    }
}
