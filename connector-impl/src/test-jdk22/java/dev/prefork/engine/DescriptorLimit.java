package dev.prefork.engine;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Exhausts this JVM's descriptors for a moment, as {@code ulimit -n} does to a server that reached it:
 * lowers the soft RLIMIT_NOFILE to the lowest free descriptor number, so that every new descriptor
 * fails with EMFILE, and puts the old limit back on close (and nothing else is opened meanwhile).
 */
final class DescriptorLimit implements AutoCloseable {
    private static final int RLIMIT_NOFILE = 7;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETRLIMIT = LINKER.downcallHandle(LINKER.defaultLookup().find("getrlimit").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETRLIMIT = LINKER.downcallHandle(LINKER.defaultLookup().find("setrlimit").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment saved = arena.allocate(16, 8);
    private final MemorySegment lowered = arena.allocate(16, 8);

    private DescriptorLimit() throws Throwable {
        check((int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, saved), "getrlimit");
        long lowestFree = lowestFreeDescriptor();
        lowered.set(JAVA_LONG, 0, lowestFree);
        lowered.set(JAVA_LONG, 8, saved.get(JAVA_LONG, 8));
        check((int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, lowered), "setrlimit");
    }

    /** Lowers the limit now; close() raises it again. */
    static DescriptorLimit exhaust() throws Throwable {
        return new DescriptorLimit();
    }

    /** The descriptor the listing itself used is the lowest free one once the listing is closed. */
    private static long lowestFreeDescriptor() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        String ownDirectory = "/proc/" + ProcessHandle.current().pid() + "/fd";
        try (Stream<Path> entries = Files.list(fds)) {
            for (Path entry : entries.toList()) {
                try {
                    if (Files.readSymbolicLink(entry).toString().equals(ownDirectory)) {
                        return Long.parseLong(entry.getFileName().toString());
                    }
                } catch (IOException e) {
                    // closed while we looked
                }
            }
        }
        throw new IllegalStateException("cannot tell which descriptor is free");
    }

    private static void check(int result, String call) {
        if (result != 0) {
            throw new IllegalStateException(call + " failed");
        }
    }

    @Override
    public void close() {
        try {
            check((int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, saved), "setrlimit");
        } catch (Throwable t) {
            throw new IllegalStateException("could not restore the descriptor limit", t);
        } finally {
            arena.close();
        }
    }
}
