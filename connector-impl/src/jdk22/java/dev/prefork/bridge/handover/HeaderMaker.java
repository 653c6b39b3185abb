package dev.prefork.bridge.handover;

import dev.prefork.bridge.BridgeHeader;

import java.nio.ByteBuffer;

/**
 * The bridge header of each connection: the fields that stay the same for this worker, plus the client's,
 * encoded into one buffer reused for every connection (a worker hands over one connection at a time).
 */
public final class HeaderMaker {
    private final byte[] secret;
    private final long pid;
    private final int slot;
    private final long startedMillis;
    private final int portIndex;
    private final String local;
    private final ByteBuffer buffer = ByteBuffer.allocate(BridgeHeader.MAX_LENGTH + 4);
    /** The next connection's destination and balancer from its PROXY header; null for a direct one. */
    private String carriedLocal;
    private String carriedVia;

    public HeaderMaker(byte[] secret, long pid, int slot, long startedMillis, int portIndex, String local) {
        this.secret = secret;
        this.pid = pid;
        this.slot = slot;
        this.startedMillis = startedMillis;
        this.portIndex = portIndex;
        this.local = local;
    }

    /**
     * Says that the next connection came through the balancer at {@code via} and was addressed to
     * {@code destination} (its PROXY header's), or with nulls that it came straight from its client. Set
     * here rather than passed through {@link Handover#pass}, which every way of handing over implements.
     */
    public void carried(String destination, String via) {
        carriedLocal = destination;
        carriedVia = via;
    }

    /** The header, ready to write; valid until the next call. */
    ByteBuffer header(String peer, long number) {
        new BridgeHeader(secret, pid, slot, number, startedMillis, portIndex, peer,
                carriedLocal != null ? carriedLocal : local, carriedVia != null ? carriedVia : "").encodeTo(buffer);
        return buffer;
    }
}
