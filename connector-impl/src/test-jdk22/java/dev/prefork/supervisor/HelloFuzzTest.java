package dev.prefork.supervisor;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzing the supervisor's hello socket as its gate reads it: bytes in, a complete hello of at most
 * 64 bytes ending in a newline or a refusal; a complete one parses to the pid it names or to -1. Seeds:
 * the inputs of issue 9 (nothing, half a hello, an HTTP request, 200 zero bytes).
 */
class HelloFuzzTest {

    @Provide
    Arbitrary<byte[]> hellos() {
        Arbitrary<byte[]> seeds = Arbitraries.of("", "hello 12", "GET / HTTP/1.0\r\n\r\n", "\0".repeat(200), "hello 42\n",
                "hello \n", "hello -1\n", "hello 99999999999999999999\n", "hello 1 2\n", "HELLO 1\n", "hello 1\r\n")
                .map(text -> text.getBytes(StandardCharsets.ISO_8859_1));
        Arbitrary<byte[]> helloLike = Arbitraries.strings().withChars("hello 0123456789\n\r-+").ofMaxLength(80)
                .map(text -> ("hello " + text).getBytes(StandardCharsets.ISO_8859_1));
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(100);
        return Arbitraries.frequencyOf(Tuple.of(2, seeds), Tuple.of(5, helloLike), Tuple.of(3, random));
    }

    @Property(tries = 3000)
    void bytesEndInAHelloOrARefusal(@ForAll("hellos") byte[] sent) {
        FirstMessageGateReads reads = FirstMessageGateReads.of(sent);
        if (reads.message == null) {
            return; // refused (too long) or still waiting for more bytes: dropped at the deadline
        }
        ByteBuffer message = reads.message;
        assertTrue(message.remaining() <= 64 && message.get(message.limit() - 1) == '\n');
        long pid = HelloListener.parseHello(message);
        String text = StandardCharsets.ISO_8859_1.decode(message.duplicate()).toString();
        if (pid >= 0) {
            assertEquals("hello " + pid + "\n", text.replaceFirst("hello 0+(?=\\d)", "hello "));
        }
    }

    /** Feeds bytes through the hello framing the way FirstMessageGate does: never past what it asks for. */
    private static final class FirstMessageGateReads {
        ByteBuffer message;

        static FirstMessageGateReads of(byte[] sent) {
            FirstMessageGateReads reads = new FirstMessageGateReads();
            ByteBuffer buffer = ByteBuffer.allocate(HelloListener.HELLO_FRAMING.maxLength());
            int offered = 0;
            try {
                while (true) {
                    int wanted = HelloListener.HELLO_FRAMING.lengthSoFar(buffer.duplicate().flip());
                    assertTrue(wanted >= buffer.position() && wanted <= HelloListener.HELLO_FRAMING.maxLength(), "asked for " + wanted);
                    if (wanted == buffer.position()) {
                        reads.message = buffer.flip();
                        return reads;
                    }
                    if (offered == sent.length) {
                        return reads;
                    }
                    buffer.put(sent[offered++]);
                }
            } catch (IOException refused) {
                return reads;
            }
        }
    }
}
