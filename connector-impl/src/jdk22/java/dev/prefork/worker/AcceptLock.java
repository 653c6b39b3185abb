package dev.prefork.worker;

import dev.prefork.engine.config.Serialize;
import dev.prefork.posix.Posix;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A worker's turn in {@code accept()}, as {@code serialize} says. Each worker opens what it locks on
 * itself (the lock file, the FIFO), so no lock is shared through an inherited descriptor.
 */
interface AcceptLock extends AutoCloseable {

    /** Takes the turn, blocking; false (turn not taken) once the worker is leaving. */
    boolean acquire() throws IOException;

    void release() throws IOException;

    /**
     * The worker is about to exit, on whichever thread: gives the turn back if this worker holds it,
     * and never takes it again. False when the accepting thread is in the middle of taking the turn
     * and only it can know whether it got it: that thread has been woken, gives back what it got,
     * and leaves by itself. The kernel releases a lock or semaphore of a dead process; only the pipe
     * token must be handed back by hand.
     */
    default boolean leave() {
        return true;
    }

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
        public boolean acquire() throws IOException {
            held = channel.lock();
            return true;
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
        public boolean acquire() {
            Posix.semop(id, (short) -1);
            return true;
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
     * One token byte in a FIFO: read it to take the turn, write it back to pass it on. Exactly one
     * token exists: a worker that leaves while it holds the token (told to quit while idle in accept)
     * writes it back before it exits, and one that leaves while blocked reading it is woken and gives
     * back whatever the read got. The supervisor keeps the FIFO open, and puts a new token in only
     * when a worker was killed while its scoreboard said it held one (Net::Server's pipe mode wedges
     * the pool for good whenever the holder goes).
     */
    final class PipeTokenTurn implements AcceptLock {
        /** Reads the token; a channel, so that an interrupt wakes a read blocked on an empty FIFO. */
        private final FileChannel tokens;
        /** Writes the token; stays open when an interrupt closed {@link #tokens}. */
        private final RandomAccessFile writer;
        private final ByteBuffer token = ByteBuffer.allocate(1);
        /** The thread blocked reading the token, if any. Guarded by this, like the two flags. */
        private Thread reader;
        private boolean holding;
        private boolean leaving;

        PipeTokenTurn(String path) throws IOException {
            // O_RDWR: opening never blocks, and the FIFO never reads end-of-file while we hold it.
            tokens = new RandomAccessFile(path, "rw").getChannel();
            writer = new RandomAccessFile(path, "rw");
        }

        @Override
        public boolean acquire() throws IOException {
            synchronized (this) {
                if (leaving) {
                    return false;
                }
                reader = Thread.currentThread();
            }
            token.clear();
            boolean ended = false;
            try {
                ended = tokens.read(token) < 0;
            } catch (ClosedByInterruptException woken) {
                // leave() woke us. The byte may have been read all the same: the buffer says.
                Thread.interrupted();
            }
            synchronized (this) {
                reader = null;
                holding = token.position() == 1;
                if (leaving) {
                    giveBack();
                    Thread.interrupted(); // a wake-up that came just after the read
                    return false;
                }
                if (!holding) {
                    throw new IOException(ended ? "the accept token FIFO was closed" : "woken while taking the accept token");
                }
                return true;
            }
        }

        @Override
        public synchronized void release() throws IOException {
            if (holding) {
                holding = false;
                writer.write('T');
            }
        }

        @Override
        public synchronized boolean leave() {
            leaving = true;
            giveBack();
            if (reader != null) {
                reader.interrupt();
                return false;
            }
            return true;
        }

        /** Writes the token back if we hold it; called with the lock held. */
        private void giveBack() {
            if (holding) {
                holding = false;
                try {
                    writer.write('T');
                } catch (IOException ignored) {
                    // the FIFO is open at both ends (the supervisor holds it); a one-byte write does not fail
                }
            }
        }

        @Override
        public void close() throws IOException {
            try {
                tokens.close();
            } finally {
                writer.close();
            }
        }
    }

    /** No serialization: Linux wakes one blocked acceptor per connection. */
    final class NoTurn implements AcceptLock {
        @Override
        public boolean acquire() {
            return true;
        }

        @Override
        public void release() {
        }

        @Override
        public void close() {
        }
    }
}
