package dev.prefork.engine.protocol;

import dev.prefork.bridge.BridgeHeader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BridgeHeaderTest {
    private static final byte[] SECRET = new byte[BridgeHeader.SECRET_LENGTH];

    @Test
    void aHeaderReadsBackAsWrittenWhateverCharactersItsAddressesHold() throws Exception {
        SECRET[3] = 7;
        BridgeHeader sent = new BridgeHeader(SECRET, 4242, 3, 99, 1_700_000_000_000L, 1,
                "[::1]:50000", "unix:/tmp/caf\u00e9/\u4e2d\u0000.sock");
        ByteBuffer reused = ByteBuffer.allocate(BridgeHeader.MAX_LENGTH + 4);
        reused.put(new byte[] {1, 2, 3}); // left over from an earlier header
        sent.encodeTo(reused);
        byte[] bytes = new byte[reused.remaining()];
        reused.get(bytes);

        BridgeHeader read = BridgeHeader.read(Channels.newChannel(new ByteArrayInputStream(bytes)));
        assertArrayEquals(SECRET, read.secret());
        assertEquals(sent.peer(), read.peer());
        assertEquals(sent.local(), read.local());
        assertEquals(sent.connectionNumber(), read.connectionNumber());
        assertEquals(sent.workerStartedMillis(), read.workerStartedMillis());
        assertEquals(sent.pid(), read.pid());
        assertEquals(sent.slot(), read.slot());
        assertEquals(sent.portIndex(), read.portIndex());
        assertEquals(sent.peer(), BridgeHeader.decodeMessage(ByteBuffer.wrap(bytes)).peer());
    }

    @Test
    void aHeaderTooLongForTheBridgeIsRefused() {
        BridgeHeader huge = new BridgeHeader(SECRET, 1, 0, 1, 0, 0, "127.0.0.1:1", "unix:/" + "x".repeat(2000));
        assertThrows(IllegalArgumentException.class, () -> huge.encodeTo(ByteBuffer.allocate(BridgeHeader.MAX_LENGTH + 4)));
    }
}
