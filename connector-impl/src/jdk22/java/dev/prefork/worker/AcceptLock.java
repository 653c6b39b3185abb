package dev.prefork.worker;

import dev.prefork.engine.config.Serialize;
import dev.prefork.posix.Posix;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A worker's turn in {@code accept()}, as {@code serialize} says. Each worker opens what it locks on
 * itself (the lock file, the FIFO), so no lock is shared through an inherited descriptor.
 */
interface AcceptLock extends AutoCloseable {

    void acquire() throws IOException;

    void release() throws IOException;

    @Override
    void close() throws IOException;

    static AcceptLock open(Serialize mode, String resource) throws IOException {
        return switch (mode) {
            case FLOCK -> new FileLockTurn(Path.of(resource));
            case SEMAPHORE -> new SemaphoreTurn(Integer.parseInt(resource));
            case PIPE -> new PipeTokenTurn(resource);
            case NONE -> new NoTurn();
        };
    }

    /**
     * An exclusive lock on the lock file. {@code FileChannel.lock} is an fcntl record lock rather than
     * flock(2); between our workers it behaves the same (exclusive, released by the kernel when the
     * holder dies) and costs no native binding at start-up.
     */
    final class FileLockTurn implements AcceptLock {
        private final FileChannel channel;
        private FileLock held;

        FileLockTurn(Path file) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }

        @Override
        public void acquire() throws IOException {
            held = channel.lock();
        }

        @Override
        public void release() throws IOException {
            if (held != null) {
                held.release();
                held = null;
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** One SysV semaphore, taken and given with SEM_UNDO so that a dying holder gives it back. */
    final class SemaphoreTurn implements AcceptLock {
        private final int id;

        SemaphoreTurn(int id) {
            this.id = id;
        }

        @Override
        public void acquire() {
            Posix.semop(id, (short) -1);
        }

        @Override
        public void release() {
            Posix.semop(id, (short) 1);
        }

        @Override
        public void close() {
        }
    }

    /**
     * One token byte in a FIFO: read it to take the turn, write it back to pass it on. The supervisor
     * keeps the FIFO open and puts a new token in when a worker dies holding it (Net::Server's pipe
     * mode wedges the pool for good in that case).
     */
    final class PipeTokenTurn implements AcceptLock {
        private final RandomAccessFile fifo;

        PipeTokenTurn(String path) throws IOException {
            // O_RDWR: opening never blocks, and the FIFO never reads end-of-file while we hold it.
            fifo = new RandomAccessFile(path, "rw");
        }

        @Override
        public void acquire() throws IOException {
            if (fifo.read() < 0) {
                throw new IOException("the accept token FIFO was closed");
            }
        }

        @Override
        public void release() throws IOException {
            fifo.write('T');
        }

        @Override
        public void close() throws IOException {
            fifo.close();
        }
    }

    /** No serialization: Linux wakes one blocked acceptor per connection. */
    final class NoTurn implements AcceptLock {
        @Override
        public void acquire() {
        }

        @Override
        public void release() {
        }

        @Override
        public void close() {
        }
    }
}
