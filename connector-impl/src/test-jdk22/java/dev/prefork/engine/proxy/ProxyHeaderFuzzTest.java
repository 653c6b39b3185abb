package dev.prefork.engine.proxy;

import dev.prefork.bridge.BridgeHeader;
import dev.prefork.engine.config.ProxyProtocol;
import dev.prefork.engine.protocol.RecordingResolverProvider;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzing the PROXY header as a worker reads it off the wire: whatever the bytes, reading them ends in
 * a header or a {@link MalformedProxyHeader}, never asks for more than {@link ProxyHeaderParser#V2_MAX}
 * bytes, never consumes a byte past the header, never asks the name resolver; and every header of
 * either version made from random addresses reads back as exactly those addresses.
 */
class ProxyHeaderFuzzTest {
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** A header made from known addresses, and those addresses as the parser must give them. */
    record Made(byte[] bytes, String source, String destination) {
    }

    @Provide
    Arbitrary<Made> validHeaders() {
        Arbitrary<byte[]> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4);
        Arbitrary<byte[]> v6 = Arbitraries.bytes().array(byte[].class).ofSize(16);
        Arbitrary<Integer> ports = Arbitraries.integers().between(0, 65_535);
        Arbitrary<Integer> tlvLength = Arbitraries.integers().between(0, 300);
        Arbitrary<Made> v2four = Combinators.combine(v4, v4, ports, ports, tlvLength).as(ProxyHeaderFuzzTest::v2);
        Arbitrary<Made> v2six = Combinators.combine(v6, v6, ports, ports, tlvLength).as(ProxyHeaderFuzzTest::v2);
        Arbitrary<Made> v1four = Combinators.combine(v4, v4, ports, ports).as(ProxyHeaderFuzzTest::v1);
        Arbitrary<Made> v1six = Combinators.combine(v6, v6, ports, ports).as(ProxyHeaderFuzzTest::v1);
        return Arbitraries.oneOf(v2four, v2six, v1four, v1six);
    }

    private static Made v2(byte[] source, byte[] destination, int sourcePort, int destinationPort, int tlvs) {
        int addresses = 2 * source.length + 4;
        ByteBuffer out = ByteBuffer.allocate(16 + addresses + tlvs);
        out.put(SIGNATURE).put((byte) 0x21).put((byte) (source.length == 4 ? 0x11 : 0x21)).putShort((short) (addresses + tlvs));
        out.put(source).put(destination).putShort((short) sourcePort).putShort((short) destinationPort);
        // TLV bytes are skipped unread: any content will do.
        return new Made(out.array(), expected(source, sourcePort), expected(destination, destinationPort));
    }

    private static Made v1(byte[] source, byte[] destination, int sourcePort, int destinationPort) {
        String family = source.length == 4 ? "TCP4" : "TCP6";
        String line = "PROXY " + family + " " + text(source) + " " + text(destination) + " " + sourcePort + " " + destinationPort + "\r\n";
        return new Made(line.getBytes(StandardCharsets.US_ASCII), expected(source, sourcePort), expected(destination, destinationPort));
    }

    /** The address in the long form the JDK writes (no :: compression): the parser must take every form. */
    private static String text(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static String expected(byte[] address, int port) {
        try {
            return BridgeHeader.formatAddress(new InetSocketAddress(InetAddress.getByAddress(address), port));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Property(tries = 2000)
    void everyValidHeaderReadsBackItsAddressesAndNotOneByteMore(@ForAll("validHeaders") Made made,
                                                                @ForAll("chunks") int chunk) throws Exception {
        byte[] stream = Arrays.copyOf(made.bytes(), made.bytes().length + 64);
        Arrays.fill(stream, made.bytes().length, stream.length, (byte) '\n'); // client bytes that would end a v1 line
        ProxyHeader header = ProxyHeaderParserTest.read(stream, ProxyProtocol.ANY, chunk);
        assertEquals(made.bytes().length, header.length());
        assertEquals(sameAddress(made.source()), sameAddress(header.source()));
        assertEquals(sameAddress(made.destination()), sameAddress(header.destination()));
    }

    /** Both sides as socket addresses: the JDK writes ::ffff:a.b.c.d as a.b.c.d too, and IPv6 in its long form. */
    private static Object sameAddress(String text) {
        return BridgeHeader.parseAddress(text);
    }

    @Provide
    Arbitrary<Integer> chunks() {
        return Arbitraries.oneOf(Arbitraries.just(1), Arbitraries.integers().between(2, 40), Arbitraries.just(Integer.MAX_VALUE));
    }

    @Provide
    Arbitrary<byte[]> streams() {
        Arbitrary<byte[]> mutated = Combinators.combine(validHeaders(), Arbitraries.integers().between(0, 400),
                Arbitraries.bytes(), Arbitraries.integers().between(-20, 20)).as((made, at, value, resize) -> {
            byte[] copy = Arrays.copyOf(made.bytes(), Math.max(0, made.bytes().length + resize));
            if (copy.length > 0) {
                copy[at % copy.length] = value;
            }
            return copy;
        });
        Arbitrary<byte[]> v1Like = Arbitraries.strings().withChars("PROXY TCP46UNKNOW0123456789abcdef.:\r\n ").ofMaxLength(130)
                .map(text -> ("PROXY " + text).getBytes(StandardCharsets.ISO_8859_1));
        Arbitrary<byte[]> v2Like = Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(tail -> {
            byte[] out = Arrays.copyOf(SIGNATURE, SIGNATURE.length + tail.length);
            System.arraycopy(tail, 0, out, SIGNATURE.length, tail.length);
            return out;
        });
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
        return Arbitraries.frequencyOf(Tuple.of(4, mutated), Tuple.of(3, v1Like), Tuple.of(2, v2Like), Tuple.of(1, random));
    }

    @Property(tries = 4000)
    void anyStreamEndsInAHeaderOrARefusalWithoutALookup(@ForAll("streams") byte[] stream, @ForAll("chunks") int chunk,
                                                        @ForAll ProxyProtocol mode) {
        if (mode == ProxyProtocol.OFF) {
            return; // a worker does not read a header then
        }
        int lookupsBefore = RecordingResolverProvider.namesLookedUp().size();
        ProxyHeader header;
        try {
            header = ProxyHeaderParserTest.read(stream, mode, chunk);
        } catch (MalformedProxyHeader refused) {
            assertEquals(lookupsBefore, RecordingResolverProvider.namesLookedUp().size());
            return;
        }
        assertTrue(header.length() <= stream.length && header.length() <= ProxyHeaderParser.V2_MAX);
        if (header.carriesAddresses()) {
            InetSocketAddress source = (InetSocketAddress) BridgeHeader.parseAddress(header.source());
            InetSocketAddress destination = (InetSocketAddress) BridgeHeader.parseAddress(header.destination());
            assertTrue(!source.isUnresolved() && !destination.isUnresolved());
        }
        assertEquals(lookupsBefore, RecordingResolverProvider.namesLookedUp().size(), "no name lookup");
    }
}
