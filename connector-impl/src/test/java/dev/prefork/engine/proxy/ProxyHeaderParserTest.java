package dev.prefork.engine.proxy;

import dev.prefork.engine.config.ProxyProtocol;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PROXY protocol specification's examples (haproxy.org, proxy-protocol.txt, sections 2.1 and 2.2)
 * and its rules one by one, each read the way a worker reads it: exactly as many bytes as the parser
 * asks for, so that the client's own bytes behind the header are never consumed.
 */
class ProxyHeaderParserTest {
    static final String SIGNATURE = "0d0a0d0a000d0a515549540a";
    private static final byte[] CLIENT_BYTES = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Reads {@code header + client bytes} as a worker does, {@code chunk} bytes per read at most; returns the header. */
    static ProxyHeader read(byte[] stream, ProxyProtocol mode, int chunk) throws MalformedProxyHeader {
        byte[] buffer = new byte[ProxyHeaderParser.V2_MAX];
        int count = 0;
        for (int needed; (needed = ProxyHeaderParser.needed(buffer, count, mode)) > count; ) {
            assertTrue(needed <= ProxyHeaderParser.V2_MAX, "asks for " + needed + " bytes");
            int n = Math.min(Math.min(needed - count, chunk), stream.length - count);
            if (n <= 0) {
                throw new MalformedProxyHeader("end of stream after " + count + " bytes");
            }
            System.arraycopy(stream, count, buffer, count, n);
            count += n;
        }
        ProxyHeader header = ProxyHeaderParser.parse(buffer, count, mode);
        assertEquals(count, header.length());
        return header;
    }

    private static byte[] withClientBytes(byte[] header) {
        byte[] stream = Arrays.copyOf(header, header.length + CLIENT_BYTES.length);
        System.arraycopy(CLIENT_BYTES, 0, stream, header.length, CLIENT_BYTES.length);
        return stream;
    }

    /** The header read every way (one read per request and byte by byte), checking it stops right before the client's bytes. */
    private static ProxyHeader readExactly(byte[] header, ProxyProtocol mode) throws MalformedProxyHeader {
        ProxyHeader whole = read(withClientBytes(header), mode, Integer.MAX_VALUE);
        ProxyHeader byteByByte = read(withClientBytes(header), mode, 1);
        assertEquals(whole, byteByByte);
        assertEquals(header.length, whole.length(), "consumed exactly the header");
        return whole;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    @Test
    void v1Tcp4AsInTheSpecification() throws Exception {
        ProxyHeader header = readExactly(ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"), ProxyProtocol.V1);
        assertEquals("192.168.0.1:56324", header.source());
        assertEquals("192.168.0.11:443", header.destination());
        assertEquals(header, readExactly(ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"), ProxyProtocol.ANY));
    }

    @Test
    void v1Tcp6WorstCaseOfTheSpecification() throws Exception {
        String all = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        ProxyHeader header = readExactly(ascii("PROXY TCP6 " + all + " " + all + " 65535 65535\r\n"), ProxyProtocol.V1);
        assertEquals("[" + all + "]:65535", header.source());
        ProxyHeader compressed = readExactly(ascii("PROXY TCP6 2001:db8::1 ::1 80 443\r\n"), ProxyProtocol.ANY);
        assertEquals("[2001:db8::1]:80", compressed.source());
        assertEquals("[::1]:443", compressed.destination());
    }

    @Test
    void v1UnknownKeepsTheConnectionsOwnAddresses() throws Exception {
        assertFalse(readExactly(ascii("PROXY UNKNOWN\r\n"), ProxyProtocol.V1).carriesAddresses());
        String all = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        byte[] longest = ascii("PROXY UNKNOWN " + all + " " + all + " 65535 65535\r\n");
        assertEquals(ProxyHeaderParser.V1_MAX, longest.length, "the specification's 107-byte worst case");
        ProxyHeader header = readExactly(longest, ProxyProtocol.V1);
        assertNull(header.source());
        assertNull(header.destination());
    }

    @Test
    void v1LinesTheSpecificationForbids() {
        for (String line : new String[] {
                "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\n",           // bare LF
                "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\rX\n",        // bare CR
                "PROXY TCP4  192.168.0.1 192.168.0.11 56324 443\r\n",        // two spaces
                "PROXY TCP4 192.168.0.1 192.168.0.11 56324\r\n",             // a field missing
                "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443 9\r\n",       // one too many
                "PROXY TCP5 192.168.0.1 192.168.0.11 56324 443\r\n",         // no such protocol
                "PROXY tcp4 192.168.0.1 192.168.0.11 56324 443\r\n",         // case matters
                "PROXY TCP4 ::1 192.168.0.11 56324 443\r\n",                 // IPv6 under TCP4
                "PROXY TCP6 192.168.0.1 ::1 56324 443\r\n",                  // IPv4 under TCP6
                "PROXY TCP4 192.168.0.256 192.168.0.11 56324 443\r\n",       // not an address
                "PROXY TCP4 proxy.example 192.168.0.11 56324 443\r\n",       // a name: never looked up
                "PROXY TCP4 192.168.0.1 192.168.0.11 65536 443\r\n",         // port out of range
                "PROXY TCP4 192.168.0.1 192.168.0.11 056324 443\r\n",        // leading zero
                "PROXY TCP4 192.168.0.1 192.168.0.11 -1 443\r\n",
                "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443 \r\n",
                "PROXY UNKNOWN " + "x".repeat(100) + "\r\n",                 // over 107 bytes
                "proxy TCP4 192.168.0.1 192.168.0.11 56324 443\r\n",
                "GET / HTTP/1.0\r\n\r\n",                                    // no header at all
        }) {
            assertThrows(MalformedProxyHeader.class, () -> read(withClientBytes(ascii(line)), ProxyProtocol.ANY, 7), line);
        }
    }

    @Test
    void v2Ipv4ProxyWithTheClientBytesBehindIt() throws Exception {
        byte[] header = hex(SIGNATURE + "21 11 000c  c0a80001 c0a8000b dc04 01bb");
        ProxyHeader parsed = readExactly(header, ProxyProtocol.V2);
        assertEquals("192.168.0.1:56324", parsed.source());
        assertEquals("192.168.0.11:443", parsed.destination());
        assertEquals(parsed, readExactly(header, ProxyProtocol.ANY));
    }

    @Test
    void v2Ipv6ProxyAndItsTlvsSkipped() throws Exception {
        String source = "20010db8000000000000000000000001";
        String destination = "00000000000000000000000000000001";
        // 36 bytes of addresses, then a PP2_TYPE_ALPN TLV (type 1, length 2) and a PP2_TYPE_NOOP (4) of 3.
        byte[] header = hex(SIGNATURE + "21 21 002f" + source + destination + "1f90 0050" + "01 0002 6832" + "04 0003 000000");
        ProxyHeader parsed = readExactly(header, ProxyProtocol.V2);
        assertEquals("[2001:db8::1]:8080", parsed.source());
        assertEquals("[::1]:80", parsed.destination());
    }

    @Test
    void v2IpvFourMappedAddressIsTheIpv4One() throws Exception {
        byte[] header = hex(SIGNATURE + "21 21 0024" + "00000000000000000000ffff7f000001" + "00000000000000000000ffff7f000002"
                + "0001 0002");
        assertEquals("127.0.0.1:1", readExactly(header, ProxyProtocol.V2).source());
    }

    @Test
    void v2LocalUnspecAndUnixKeepTheConnectionsOwnAddresses() throws Exception {
        assertFalse(readExactly(hex(SIGNATURE + "20 00 0000"), ProxyProtocol.V2).carriesAddresses(), "LOCAL, as a health check");
        assertFalse(readExactly(hex(SIGNATURE + "20 11 000c c0a80001 c0a8000b dc04 01bb"), ProxyProtocol.V2).carriesAddresses(),
                "LOCAL ignores the addresses it has");
        assertFalse(readExactly(hex(SIGNATURE + "21 00 0000"), ProxyProtocol.V2).carriesAddresses(), "PROXY over UNSPEC");
        assertFalse(readExactly(hex(SIGNATURE + "21 31 00d8" + "00".repeat(216)), ProxyProtocol.V2).carriesAddresses(), "UNIX");
    }

    @Test
    void v2HeadersTheSpecificationForbids() {
        for (String header : new String[] {
                SIGNATURE + "11 11 000c c0a80001 c0a8000b dc04 01bb",          // version 1 in a v2 signature
                SIGNATURE + "31 11 000c c0a80001 c0a8000b dc04 01bb",          // version 3
                SIGNATURE + "22 11 000c c0a80001 c0a8000b dc04 01bb",          // command 2
                SIGNATURE + "21 41 000c c0a80001 c0a8000b dc04 01bb",          // family 4
                SIGNATURE + "21 13 000c c0a80001 c0a8000b dc04 01bb",          // transport 3
                SIGNATURE + "21 11 000b c0a80001 c0a8000b dc04 01",            // too short for IPv4 addresses
                SIGNATURE + "21 21 000c c0a80001 c0a8000b dc04 01bb",          // too short for IPv6 addresses
                SIGNATURE + "21 31 000c c0a80001 c0a8000b dc04 01bb",          // too short for UNIX addresses
                SIGNATURE + "21 11 ffff c0a80001 c0a8000b dc04 01bb",          // longer than we take
                "0d0a0d0a000d0a515549540b 21 11 000c c0a80001 c0a8000b dc04 01bb", // signature off by one bit
        }) {
            assertThrows(MalformedProxyHeader.class, () -> read(hex(header), ProxyProtocol.ANY, 64), header);
        }
    }

    @Test
    void aTruncatedHeaderIsNeverComplete() {
        byte[][] headers = {ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"),
                hex(SIGNATURE + "21 11 000c c0a80001 c0a8000b dc04 01bb")};
        for (byte[] header : headers) {
            for (int cut = 0; cut < header.length; cut++) {
                byte[] truncated = Arrays.copyOf(header, cut);
                assertThrows(MalformedProxyHeader.class, () -> read(truncated, ProxyProtocol.ANY, 5), "cut at " + cut);
            }
        }
    }

    @Test
    void eachVersionOnlyWhereTheSettingTakesIt() {
        byte[] v1 = ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");
        byte[] v2 = hex(SIGNATURE + "21 11 000c c0a80001 c0a8000b dc04 01bb");
        assertThrows(MalformedProxyHeader.class, () -> read(v1, ProxyProtocol.V2, 64));
        assertThrows(MalformedProxyHeader.class, () -> read(v2, ProxyProtocol.V1, 64));
    }

    @Test
    void garbageIsToldApartWithinTheFirstRead() {
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int i = 0; i < 4096; i++) {
            flood.write('A');
        }
        MalformedProxyHeader refused = assertThrows(MalformedProxyHeader.class,
                () -> ProxyHeaderParser.needed(flood.toByteArray(), ProxyHeaderParser.FIRST_READ, ProxyProtocol.ANY));
        assertTrue(refused.getMessage().contains("no PROXY header"), refused.getMessage());
    }
}
