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

    @Test
    void numericAddressesParseAsTheJdkParsesTheSameLiterals() throws Exception {
        for (String text : java.util.List.of("127.0.0.1:80", "0.0.0.0:0", "255.255.255.255:65535", "[::]:1", "[::1]:2",
                "[1:2:3:4:5:6:7:8]:1", "[::ffff:10.0.0.1]:2", "[fe80::1]:3", "[1::]:4", "[1:2:3:4:5:6:1.2.3.4]:5",
                "[ABCD:ef01::9]:6")) {
            int colon = text.lastIndexOf(':');
            String literal = text.substring(0, colon).replace("[", "").replace("]", "");
            // The JDK reads these literals itself, without a resolver (the test controls what it passes).
            java.net.InetSocketAddress expected = new java.net.InetSocketAddress(
                    java.net.InetAddress.getByName(literal), Integer.parseInt(text.substring(colon + 1)));
            assertEquals(expected, BridgeHeader.parseAddress(text), text);
        }
    }

    @Test
    void anythingButANumericAddressIsRefusedNotLookedUp() {
        for (String text : java.util.List.of("notaport", "", ":", "host:80", "999.1.1.1:1", "1.2.3:4", "1.2.3.4.5:6",
                "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:+1", "1.2.3.4: 1", "[::1:80", "[]:1", "[1:2:3:4:5:6:7:8:9]:1",
                "[1::2::3]:1", "[::g]:1", "[12345::]:1", "[::1%eth0]:1", "[1:2:3:4:5:6:7:1.2.3.4]:1", "٣.1.1.1:1",
                "localhost:80")) {
            assertThrows(IllegalArgumentException.class, () -> BridgeHeader.parseAddress(text), text);
        }
    }
}
