package dev.prefork.supervisor;

import dev.prefork.engine.config.Serialize;
import dev.prefork.posix.Posix;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What one pool's workers take turns on, made and owned by the supervisor: the lock file (removed at
 * stop only when it was generated), the SysV semaphore (always removed), or the token FIFO (which the
 * supervisor keeps open so that the token survives while no worker has it open).
 */
abstract class AcceptLockResource implements AutoCloseable {

    /** What a worker needs to open its side: a path, a semaphore id, or nothing. */
    abstract String workerArgument();

    /** A worker was killed while its scoreboard said it held the turn; give the pool a new one if needed. */
    void holderDied() {
    }

    /** A line for the controlling JVM naming a resource it must release if we die, or null. */
    String orphanReport() {
        return null;
    }

    @Override
    public abstract void close();

    static AcceptLockResource create(Serialize mode, Path configuredLockFile, Path generatedPath) throws IOException {
        return switch (mode) {
            case FLOCK -> new LockFile(configuredLockFile != null ? configuredLockFile : generatedPath, configuredLockFile == null);
            case SEMAPHORE -> new Semaphore(Posix.createSemaphore(1));
            case PIPE -> new TokenFifo(generatedPath);
            case NONE -> new None();
        };
    }

    static final class LockFile extends AcceptLockResource {
        private final Path path;
        private final boolean generated;

        LockFile(Path path, boolean generated) throws IOException {
            this.path = path;
            this.generated = generated;
            try (FileChannel ignored = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                // checks now that every worker will be able to open it
            } catch (IOException e) {
                throw new IOException("lock_file " + path + " cannot be opened for writing (" + e
                        + "); name a file in a writable directory, or unset lock_file", e);
            }
        }

        @Override
        String workerArgument() {
            return path.toString();
        }

        @Override
        public void close() {
            if (generated) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // the runtime directory is removed after us anyway
                }
            }
        }
    }

    static final class Semaphore extends AcceptLockResource {
        private final int id;

        Semaphore(int id) {
            this.id = id;
        }

        @Override
        String workerArgument() {
            return Integer.toString(id);
        }

        @Override
        String orphanReport() {
            return "semaphore " + id;
        }

        @Override
        public void close() {
            Posix.removeSemaphore(id);
        }
    }

    static final class TokenFifo extends AcceptLockResource {
        private final Path path;
        private final RandomAccessFile held;

        TokenFifo(Path path) throws IOException {
            this.path = path;
            Posix.mkfifo(path.toString(), 0600);
            held = new RandomAccessFile(path.toFile(), "rw");
            held.write('T');
        }

        @Override
        String workerArgument() {
            return path.toString();
        }

        @Override
        void holderDied() {
            try {
                held.write('T');
            } catch (IOException ignored) {
                // the FIFO is ours and open; writing one byte to it does not fail
            }
        }

        @Override
        public void close() {
            try {
                held.close();
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // the runtime directory is removed after us anyway
            }
        }
    }

    static final class None extends AcceptLockResource {
        @Override
        String workerArgument() {
            return "";
        }

        @Override
        public void close() {
        }
    }
}
