package dev.prefork.engine.protocol;

import dev.prefork.bridge.BridgeHeader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzing the bridge header, as a worker (or anything that reaches the bridge socket) sends it, with
 * the inputs that once killed a handler thread or reached the name resolver as seeds. Whatever the
 * bytes, reading them ends in a header or an IOException, and an address in a header ends in a numeric
 * address or an IllegalArgumentException, without a single name lookup.
 */
class BridgeHeaderFuzzTest {
    private static final byte[] SECRET = new byte[BridgeHeader.SECRET_LENGTH];
    /** Client addresses that were seen to crash or leak before, and neighbours of valid ones. */
    private static final List<String> SEED_ADDRESSES = List.of("notaport", "", ":", "127.0.0.1:", "127.0.0.1:99999",
            "127.0.0.1:-1", "999.1.1.1:1", "fuzz-probe.invalid:80", "[::1:80", "[fuzz-probe6.invalid]:80", "1.2.3:4",
            "01.2.3.4.5:6", "\u0000:1", "unix:", "unix:/tmp/x", "127.0.0.1:80", "[::1]:1", "[::ffff:1.2.3.4]:5", "[1::2::3]:4");

    @Provide
    Arbitrary<String> addresses() {
        Arbitrary<String> seeds = Arbitraries.of(SEED_ADDRESSES);
        Arbitrary<String> addressLike = Arbitraries.strings().withChars("0123456789abcdefABCDEF.:[]%-+ unix/x")
                .ofMaxLength(48);
        Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(64);
        Arbitrary<String> mutatedSeeds = Combinators.combine(seeds, Arbitraries.integers().between(0, 20),
                Arbitraries.chars().with("0123456789.:[]xf9-".toCharArray())).as((seed, at, c) ->
                seed.isEmpty() ? String.valueOf(c) : seed.substring(0, Math.min(at, seed.length())) + c
                        + seed.substring(Math.min(at + 1, seed.length())));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, seeds), net.jqwik.api.Tuple.of(4, mutatedSeeds),
                net.jqwik.api.Tuple.of(4, addressLike), net.jqwik.api.Tuple.of(1, anything));
    }

    @Property(tries = 3000)
    void anAddressParsesToANumericOneOrIsRefused(@ForAll("addresses") String text) {
        int lookupsBefore = RecordingResolverProvider.namesLookedUp().size();
        SocketAddress address;
        try {
            address = BridgeHeader.parseAddress(text);
        } catch (IllegalArgumentException refused) {
            assertEquals(lookupsBefore, RecordingResolverProvider.namesLookedUp().size(), "no lookup for " + text);
            return;
        }
        assertEquals(lookupsBefore, RecordingResolverProvider.namesLookedUp().size(), "no lookup for " + text);
        if (address instanceof InetSocketAddress inet) {
            assertTrue(!inet.isUnresolved(), text);
            assertEquals(address, BridgeHeader.parseAddress(BridgeHeader.formatAddress(address)), "reads back: " + text);
        } else {
            assertTrue(address instanceof UnixDomainSocketAddress, text);
        }
    }

    @Provide
    Arbitrary<byte[]> messages() {
        Arbitrary<byte[]> valid = Combinators.combine(addresses(), addresses(), Arbitraries.longs(), Arbitraries.integers())
                .as((peer, local, pid, slot) -> encode(new BridgeHeader(SECRET, pid, slot, 1, 0, 0, peer, local)));
        Arbitrary<byte[]> mutated = Combinators.combine(valid, Arbitraries.integers().between(0, 200),
                Arbitraries.bytes(), Arbitraries.integers().between(-8, 8)).as((bytes, at, value, resize) -> {
            byte[] copy = java.util.Arrays.copyOf(bytes, Math.max(0, bytes.length + resize));
            if (copy.length > 0) {
                copy[at % copy.length] = value;
            }
            return copy;
        });
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(BridgeHeader.MAX_LENGTH + 8);
        Arbitrary<byte[]> seeds = Arbitraries.of(new byte[0], new byte[] {0, 0, 0, 0}, new byte[] {0x7f, -1, -1, -1},
                new byte[] {0, 0, 0, 4, 0x50, 0x46, 0x4b, 0x31});
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(2, valid), net.jqwik.api.Tuple.of(5, mutated),
                net.jqwik.api.Tuple.of(2, random), net.jqwik.api.Tuple.of(1, seeds));
    }

    private static byte[] encode(BridgeHeader header) {
        ByteBuffer buffer = ByteBuffer.allocate(BridgeHeader.MAX_LENGTH + 4);
        try {
            header.encodeTo(buffer);
        } catch (IllegalArgumentException tooLong) {
            return new byte[] {0, 0, 0, 0};
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** What the relay's gate and the descriptor link do with bytes off the wire, one after the other. */
    @Property(tries = 3000)
    void anyMessageEndsInAHeaderOrAnIOException(@ForAll("messages") byte[] bytes) {
        ByteBuffer soFar = ByteBuffer.wrap(bytes);
        try {
            int length = BridgeHeader.messageLengthSoFar(soFar.duplicate().limit(Math.min(4, bytes.length)));
            assertTrue(length >= 4 && length <= BridgeHeader.MAX_LENGTH + 4, "framing length " + length);
        } catch (IOException refused) {
            // a length no header has: the gate drops the connection
        }
        BridgeHeader header;
        try {
            header = BridgeHeader.decodeMessage(ByteBuffer.wrap(bytes));
        } catch (IOException refused) {
            return;
        }
        for (String address : List.of(header.peer(), header.local())) {
            try {
                BridgeHeader.parseAddress(address);
            } catch (IllegalArgumentException refused) {
                // the receivers drop such a connection with a log line
            }
        }
    }

    /**
     * descriptor_transfer pidfd's frames: a descriptor number before the header message, prefixed to the same
     * messages (valid, mutated, random) with numbers a worker sends (its socket's, the hello's -1) and others.
     */
    @Provide
    Arbitrary<byte[]> frames() {
        Arbitrary<Integer> numbers = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(-1, 64)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers()));
        Arbitrary<byte[]> framed = Combinators.combine(numbers, messages()).as((named, message) ->
                ByteBuffer.allocate(4 + message.length).putInt(named).put(message).array());
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, framed),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(16)));
    }

    /** Whatever the bytes, a frame decodes to a number of -1 or more and a header, or fails with an IOException. */
    @Property(tries = 3000)
    void anyFrameEndsInANumberAndAHeaderOrAnIOException(@ForAll("frames") byte[] bytes) {
        dev.prefork.bridge.PidfdFrame.Decoded frame;
        try {
            frame = dev.prefork.bridge.PidfdFrame.decode(ByteBuffer.wrap(bytes));
        } catch (IOException refused) {
            return;
        }
        assertTrue(frame.named() >= dev.prefork.bridge.PidfdFrame.NO_CLIENT, "number " + frame.named());
        assertEquals(bytes.length, dev.prefork.bridge.PidfdFrame.PREFIX_LENGTH + ByteBuffer.wrap(bytes).getInt(4), "whole frame");
    }
}
