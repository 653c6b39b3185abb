package dev.prefork.process.worker;

import dev.prefork.engine.protocol.BridgeHeader;

import java.nio.ByteBuffer;

/** The bridge header of each connection: the fields that stay the same for this worker, plus the client's. */
final class HeaderMaker {
    private final byte[] secret;
    private final long pid;
    private final int slot;
    private final long startedMillis;
    private final int portIndex;
    private final String local;

    HeaderMaker(byte[] secret, long pid, int slot, long startedMillis, int portIndex, String local) {
        this.secret = secret;
        this.pid = pid;
        this.slot = slot;
        this.startedMillis = startedMillis;
        this.portIndex = portIndex;
        this.local = local;
    }

    ByteBuffer header(String peer, long number) {
        return new BridgeHeader(secret, pid, slot, number, startedMillis, portIndex, peer, local).encode();
    }
}
