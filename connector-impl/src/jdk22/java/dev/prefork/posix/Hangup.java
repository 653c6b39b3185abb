package dev.prefork.posix;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * SIGHUP for a process whose operator uses it to reload. Started under {@code nohup} (or from a shell that
 * ignores it) a process inherits SIGHUP ignored, and the JVM installs no handler over an ignored signal
 * ({@code sun.misc.Signal.handle} then returns without one, and HUP does nothing at all). Net::Server sets
 * its HUP handler whatever it inherited, so a daemon started with nohup still reloads on its operator's
 * HUP; this does the same: it puts the default disposition back, for the JVM's handler to be installed
 * right after. (nohup is about the terminal's hang-up; a server that is told to reload by HUP has made
 * the signal its own.)
 */
public final class Hangup {
    private static final int SIGHUP = 1;

    private static final class Calls {
        /** {@code signal} itself, not sigaction: the one call needed, and its struct differs per architecture. */
        static final MethodHandle SIGNAL = Libc.call("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    }

    private Hangup() {
    }

    /**
     * Gives SIGHUP its default disposition again when this process started with it ignored; true when it did.
     * Call it just before installing a HUP handler (the default action, ending the process, holds in between).
     */
    public static boolean restoreIfIgnored() {
        if (!ignored()) {
            return false;
        }
        try {
            MemorySegment previous = (MemorySegment) Calls.SIGNAL.invokeExact(SIGHUP, MemorySegment.NULL); // SIG_DFL is 0
            if (previous.address() == -1L) {
                throw new IllegalStateException("signal(SIGHUP, SIG_DFL) returned SIG_ERR");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("signal(SIGHUP, SIG_DFL) failed", t);
        }
        return true;
    }

    /** Whether SIGHUP is ignored in this process: bit 0 of SigIgn in /proc/self/status. */
    static boolean ignored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << (SIGHUP - 1))) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false; // no /proc: leave the disposition as it is
        }
        return false;
    }
}
