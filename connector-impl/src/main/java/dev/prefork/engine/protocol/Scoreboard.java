package dev.prefork.engine.protocol;

import dev.prefork.bridge.ClientFigures;
import dev.prefork.engine.WorkerState;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The pool's scoreboard, as in Apache httpd's prefork MPM: a small memory-mapped file with one slot per
 * worker. A worker records its state, counters and current peer with plain memory stores (no system
 * call, no message per connection); the supervisor reads the slots when it is asked for a snapshot and
 * when it must know what a dead worker was doing.
 *
 * <p>The header also holds the controlling JVM's figures of its clients ({@link ClientFigures}): with
 * {@code max_clients} a worker hands its client over at once, so the slots alone would show idle workers
 * while their clients are served. The engine writes them a few times a second, one writer, under a
 * sequence counter of their own.
 *
 * <p>Each slot is guarded by a sequence counter (a seqlock): the only writer is the slot's worker, and
 * a reader retries while the counter is odd or changed under it. Ordering comes from the static fences
 * of {@link VarHandle} rather than from a VarHandle instance, whose method-handle machinery would cost
 * every worker dozens of generated classes at start-up.
 */
public final class Scoreboard implements AutoCloseable {

    private static final int MAGIC = 0x50464B53; // "PFKS"
    private static final int HEADER_SIZE = 128;
    /** The client figures' sequence counter, then the figures, in {@link ClientFigures}' order. */
    private static final int CLIENTS_SEQ = 16;
    private static final int CLIENTS = 24;
    private static final int CLIENT_FIGURES = 7;
    private static final int SLOT_SIZE = 128;
    private static final int SEQ = 0;
    private static final int PID = 8;
    private static final int STARTED = 16;
    private static final int SERVED = 24;
    private static final int SINCE = 32;
    private static final int STATE = 40;
    private static final int PORT_INDEX = 44;
    private static final int PEER_LENGTH = 48;
    private static final int PEER = 52;
    private static final int PEER_CAPACITY = SLOT_SIZE - PEER;

    private final FileChannel channel;
    private final MappedByteBuffer buffer;
    private final int slotCount;

    private Scoreboard(FileChannel channel, MappedByteBuffer buffer, int slotCount) {
        this.channel = channel;
        this.buffer = buffer;
        this.slotCount = slotCount;
    }

    /** Creates a zeroed scoreboard of {@code slotCount} slots (the supervisor). */
    public static Scoreboard create(Path file, int slotCount) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_SIZE + (long) SLOT_SIZE * slotCount);
            buffer.order(ByteOrder.nativeOrder());
            buffer.putInt(4, slotCount);
            buffer.putInt(8, SLOT_SIZE);
            buffer.putInt(0, MAGIC);
            return new Scoreboard(channel, buffer, slotCount);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Opens an existing scoreboard (a worker). */
    public static Scoreboard open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size());
            buffer.order(ByteOrder.nativeOrder());
            if (buffer.getInt(0) != MAGIC || buffer.getInt(8) != SLOT_SIZE) {
                throw new IOException(file + " is not a scoreboard of this version");
            }
            return new Scoreboard(channel, buffer, buffer.getInt(4));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public int slotCount() {
        return slotCount;
    }

    /** The writing end of one slot, for the worker that owns it. */
    public Slot slot(int index) {
        return new Slot(offset(index));
    }

    private int offset(int index) {
        if (index < 0 || index >= slotCount) {
            throw new IndexOutOfBoundsException("slot " + index + " of " + slotCount);
        }
        return HEADER_SIZE + index * SLOT_SIZE;
    }

    /** Empties a slot whose worker is gone (the supervisor, after reaping it). */
    public void clear(int index) {
        int base = offset(index);
        long seq = buffer.getLong(base + SEQ) | 1;
        buffer.putLong(base + SEQ, seq);
        VarHandle.storeStoreFence();
        for (int i = PID; i < SLOT_SIZE; i += 4) {
            buffer.putInt(base + i, 0);
        }
        VarHandle.releaseFence();
        buffer.putLong(base + SEQ, seq + 1);
        VarHandle.fullFence();
    }

    /** The controlling JVM: its client figures now. */
    public void publishClients(ClientFigures figures) {
        long seq = buffer.getLong(CLIENTS_SEQ) + 1;
        buffer.putLong(CLIENTS_SEQ, seq);
        VarHandle.storeStoreFence();
        long[] values = {figures.maxClients(), figures.inService(), figures.waitingFirstByte(), figures.waitingSlot(),
                figures.firstByteTimeouts(), figures.refusedMaxWait(), figures.refusedNoThread()};
        for (int i = 0; i < CLIENT_FIGURES; i++) {
            buffer.putLong(CLIENTS + 8 * i, values[i]);
        }
        VarHandle.releaseFence();
        buffer.putLong(CLIENTS_SEQ, seq + 1);
    }

    /** The client figures the controlling JVM last published ({@link ClientFigures#NONE} before it did). */
    public ClientFigures clients() {
        long[] values = new long[CLIENT_FIGURES];
        for (int attempt = 0; ; attempt++) {
            long before = buffer.getLong(CLIENTS_SEQ);
            VarHandle.acquireFence();
            for (int i = 0; i < CLIENT_FIGURES; i++) {
                values[i] = buffer.getLong(CLIENTS + 8 * i);
            }
            VarHandle.loadLoadFence();
            long after = buffer.getLong(CLIENTS_SEQ);
            if ((before == after && (before & 1) == 0) || attempt >= 100) {
                return new ClientFigures(values[0], values[1], values[2], values[3], values[4], values[5], values[6]);
            }
            Thread.onSpinWait();
        }
    }

    /** Reads one slot consistently; {@code null} when it is empty. */
    public SlotView read(int index) {
        int base = offset(index);
        for (int attempt = 0; ; attempt++) {
            long before = buffer.getLong(base + SEQ);
            VarHandle.acquireFence();
            long pid = buffer.getLong(base + PID);
            long started = buffer.getLong(base + STARTED);
            long served = buffer.getLong(base + SERVED);
            long since = buffer.getLong(base + SINCE);
            int state = buffer.getInt(base + STATE);
            int portIndex = buffer.getInt(base + PORT_INDEX);
            int peerLength = Math.max(0, Math.min(PEER_CAPACITY, buffer.getInt(base + PEER_LENGTH)));
            byte[] peer = new byte[peerLength];
            buffer.get(base + PEER, peer);
            VarHandle.loadLoadFence();
            long after = buffer.getLong(base + SEQ);
            boolean consistent = before == after && (before & 1) == 0;
            if (consistent || attempt >= 100) {
                if (pid == 0) {
                    return null;
                }
                return new SlotView(index, pid, WorkerState.ofCode(state), portIndex, started, served, since,
                        new String(peer, StandardCharsets.UTF_8));
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** One slot's content at one moment. */
    public record SlotView(int slot, long pid, WorkerState state, int portIndex, long startedMillis,
                           long served, long sinceMillis, String peer) {
    }

    /** The writing end of one slot; used by one thread of one worker. */
    public final class Slot {
        private final int base;

        private Slot(int base) {
            this.base = base;
        }

        /** Makes the counter odd before any field changes. */
        private long beginWrite() {
            long seq = buffer.getLong(base + SEQ) + 1;
            buffer.putLong(base + SEQ, seq);
            VarHandle.storeStoreFence();
            return seq;
        }

        /** Makes the counter even again once every field is written. */
        private void endWrite(long seq) {
            VarHandle.releaseFence();
            buffer.putLong(base + SEQ, seq + 1);
        }

        /** Claims the slot for a newly started worker. */
        public void start(long pid, int portIndex, long startedMillis) {
            long seq = beginWrite();
            buffer.putLong(base + PID, pid);
            buffer.putLong(base + STARTED, startedMillis);
            buffer.putLong(base + SERVED, 0);
            buffer.putInt(base + PORT_INDEX, portIndex);
            buffer.putInt(base + PEER_LENGTH, 0);
            putState(WorkerState.STARTING);
            endWrite(seq);
        }

        public void state(WorkerState state) {
            long seq = beginWrite();
            putState(state);
            endWrite(seq);
        }

        /** Records the start of a connection from {@code peer}. */
        public void processing(String peer) {
            long seq = beginWrite();
            byte[] bytes = peer.getBytes(StandardCharsets.UTF_8);
            int length = Math.min(bytes.length, PEER_CAPACITY);
            buffer.put(base + PEER, bytes, 0, length);
            buffer.putInt(base + PEER_LENGTH, length);
            putState(WorkerState.PROCESSING);
            endWrite(seq);
        }

        /** Records the end of a connection and the worker's new total. */
        public void served(long total, WorkerState next) {
            long seq = beginWrite();
            buffer.putLong(base + SERVED, total);
            buffer.putInt(base + PEER_LENGTH, 0);
            putState(next);
            endWrite(seq);
        }

        private void putState(WorkerState state) {
            buffer.putInt(base + STATE, state.ordinal());
            buffer.putLong(base + SINCE, System.currentTimeMillis());
        }
    }
}
