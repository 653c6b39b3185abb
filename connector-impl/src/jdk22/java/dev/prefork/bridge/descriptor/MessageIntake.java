package dev.prefork.bridge.descriptor;

import dev.prefork.posix.SocketCalls;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * {@code descriptor_transfer message}: every message is one {@code SOCK_SEQPACKET} datagram, and a
 * client's socket comes attached to it ({@code SCM_RIGHTS}).
 */
final class MessageIntake implements ClientIntake {
    private final int link;
    private final SocketCalls calls;
    private final DescriptorReceiver bridge;
    private final DescriptorPatience patience = new DescriptorPatience();

    MessageIntake(int link, SocketCalls calls, DescriptorReceiver bridge) {
        this.link = link;
        this.calls = calls;
        this.bridge = bridge;
    }

    @Override
    public Incoming next(MemorySegment header, long workerPid) throws IOException {
        SocketCalls.Received received = receivePatiently(calls, link, header, bridge, workerPid, patience);
        return new Incoming(received.length(), received.descriptor(), -1);
    }

    @Override
    public int take(Incoming incoming, long workerPid) {
        return incoming.passed();
    }

    @Override
    public void discard(Incoming incoming) {
        if (incoming.passed() >= 0) {
            SocketCalls.closeQuietly(incoming.passed());
        }
    }

    @Override
    public void close() {
        // nothing of its own
    }

    /**
     * The next message on {@code link}; when it carries a descriptor this JVM has no room for, it stays
     * queued on the link and is tried again (see {@link DescriptorPatience}).
     */
    static SocketCalls.Received receivePatiently(SocketCalls calls, int link, MemorySegment into, DescriptorReceiver bridge,
                                                 long workerPid, DescriptorPatience patience) throws IOException {
        boolean waiting = false;
        while (true) {
            SocketCalls.Received received = calls.receive(link, into);
            if (!received.cutOff()) {
                return received;
            }
            if (!waiting) {
                patience.restart();
                waiting = true;
            }
            patience.noRoom(bridge, workerPid, "MSG_CTRUNC");
        }
    }
}
