package dev.prefork.worker;

import dev.prefork.engine.config.Serialize;
import dev.prefork.posix.Posix;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
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
     * and only it can know whether it got it: that thread has been woken (or wakes within
     * {@link SemaphoreTurn#WAKE_MILLIS}), gives back what it got, and leaves by itself.
     *
     * <p>Every kind of turn gives a held turn back by hand, although the kernel releases a lock or
     * semaphore of a dead process: a JVM's exit is not instant, and in a CPU-starved cgroup it took
     * seconds during which the pool's other workers could not accept (issue 9, fault 8).
     */
    boolean leave();

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
     * A turn taken by a blocking call that an interrupt wakes (a FileChannel's lock or read): how such a turn
     * leaves, shared. The taking thread registers itself around the call; {@link #leave} interrupts it, and it
     * gives back whatever the call got and takes no turn.
     */
    abstract class InterruptibleTurn implements AcceptLock {
        /** The thread in the middle of taking the turn, if any. Guarded by this, like the flag and the subclass's turn. */
        private Thread taker;
        private boolean leaving;

        /** Before the blocking call: false when the worker is leaving and must not take the turn. */
        protected final synchronized boolean startTaking() {
            if (leaving) {
                return false;
            }
            taker = Thread.currentThread();
            return true;
        }

        /**
         * After the blocking call, with this held and the turn (if got) recorded: true when the worker left
         * meanwhile, in which case the turn has been given back and the caller takes none.
         */
        protected final boolean endTaking() {
            taker = null;
            if (leaving) {
                giveBack();
                Thread.interrupted(); // a wake-up that came just after the call returned
                return true;
            }
            return false;
        }

        @Override
        public final synchronized boolean leave() {
            leaving = true;
            giveBack();
            if (taker != null) {
                taker.interrupt();
                return false;
            }
            return true;
        }

        /** Gives the turn back if this worker holds it; called with this held. */
        protected abstract void giveBack();
    }

    /**
     * An exclusive lock on the lock file. {@code FileChannel.lock} is an fcntl record lock rather than
     * flock(2); between our workers it behaves the same (exclusive, released by the kernel when the
     * holder dies) and costs no native binding at start-up. A record lock belongs to the process, so
     * the thread that leaves can release it; a thread blocked in {@code lock} is woken by an interrupt,
     * which closes the channel and with it any lock it was being granted.
     */
    final class FileLockTurn extends InterruptibleTurn {
        private final FileChannel channel;
        /** The lock while this worker holds the turn. Guarded by this. */
        private FileLock held;

        FileLockTurn(Path file) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }

        @Override
        public boolean acquire() throws IOException {
            if (!startTaking()) {
                return false;
            }
            FileLock got = null;
            try {
                got = channel.lock();
            } catch (FileLockInterruptionException woken) {
                // leave() woke us; the interrupt closed the channel, which released any lock we were being granted.
                Thread.interrupted();
            }
            synchronized (this) {
                held = got;
                if (endTaking()) {
                    return false;
                }
                if (held == null) {
                    throw new IOException("woken while taking the accept lock");
                }
                return true;
            }
        }

        @Override
        public synchronized void release() throws IOException {
            if (held != null) {
                FileLock lock = held;
                held = null;
                lock.release();
            }
        }

        @Override
        protected void giveBack() {
            if (held != null) {
                try {
                    held.release();
                } catch (IOException closed) {
                    // the channel is closed: closing it released the lock already
                }
                held = null;
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * One SysV semaphore, taken and given with SEM_UNDO so that a killed holder gives it back. Waits in
     * slices of {@link #WAKE_MILLIS}: a thread blocked in semop cannot be woken without a signal
     * handler, and a worker that leaves while blocked must stop waiting before it exits, or it could be
     * granted the turn while its JVM ends. The SEM_UNDO adjustment is the process's, shared by its
     * threads, so the thread that leaves may give the turn back.
     */
    final class SemaphoreTurn implements AcceptLock {
        /** How long a leaving worker's accepting thread may stay blocked before it sees that it leaves. */
        static final long WAKE_MILLIS = 200;
        private final int id;
        /** Guarded by this, like the two flags below. */
        private boolean taking;
        private boolean holding;
        private boolean leaving;

        SemaphoreTurn(int id) {
            this.id = id;
        }

        @Override
        public boolean acquire() {
            synchronized (this) {
                if (leaving) {
                    return false;
                }
                taking = true;
            }
            while (true) {
                boolean got = Posix.semop(id, (short) -1, WAKE_MILLIS);
                synchronized (this) {
                    if (got || leaving) {
                        taking = false;
                        holding = got;
                        if (leaving) {
                            giveBack();
                            return false;
                        }
                        return true;
                    }
                }
            }
        }

        @Override
        public synchronized void release() {
            giveBack();
        }

        @Override
        public synchronized boolean leave() {
            leaving = true;
            giveBack();
            return !taking;
        }

        /** Gives the semaphore back if we hold it; called with this held. */
        private void giveBack() {
            if (holding) {
                holding = false;
                Posix.semop(id, (short) 1);
            }
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
    final class PipeTokenTurn extends InterruptibleTurn {
        /** Reads the token; a channel, so that an interrupt wakes a read blocked on an empty FIFO. */
        private final FileChannel tokens;
        /** Writes the token; stays open when an interrupt closed {@link #tokens}. */
        private final RandomAccessFile writer;
        private final ByteBuffer token = ByteBuffer.allocate(1);
        /** Guarded by this. */
        private boolean holding;

        PipeTokenTurn(String path) throws IOException {
            // O_RDWR: opening never blocks, and the FIFO never reads end-of-file while we hold it.
            tokens = new RandomAccessFile(path, "rw").getChannel();
            writer = new RandomAccessFile(path, "rw");
        }

        @Override
        public boolean acquire() throws IOException {
            if (!startTaking()) {
                return false;
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
                holding = token.position() == 1;
                if (endTaking()) {
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
        protected void giveBack() {
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
        public boolean leave() {
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
