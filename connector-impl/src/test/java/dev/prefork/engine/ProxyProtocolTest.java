package dev.prefork.engine;

import dev.prefork.bridge.BridgeHeader;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Handoff;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code proxy_protocol} with real workers and sockets, both handoffs: the handler sees the address the
 * header carries and the balancer it came through, the client's bytes behind the header arrive whole,
 * the access rules judge the carried address, and a connection from a balancer not in
 * {@code proxy_allow}, without a header, with a forged or truncated one, or silent, costs only itself.
 */
class ProxyProtocolTest extends EngineTestSupport {
    /** PROXY v2, TCP over IPv4, from 203.0.113.7:4242 to 198.51.100.1:443. */
    private static final byte[] V2_HEADER = HexFormat.of().parseHex(
            "0d0a0d0a000d0a515549540a" + "2111000c" + "cb007107" + "c6336401" + "1092" + "01bb");
    private static final byte[] V1_HEADER = "PROXY TCP6 2001:db8::7 2001:db8::1 4242 443\r\n".getBytes(StandardCharsets.US_ASCII);

    private PreforkEngine startProxied(Handoff handoff, String protocol, AtomicInteger handled, String... more) throws Exception {
        EngineConfig.Builder config = config(2).handoff(handoff)
                .set(EngineConfig.PROXY_PROTOCOL, protocol)
                .set(EngineConfig.PROXY_ALLOW, "127.0.0.1, 127.0.0.5/32");
        for (int i = 0; i < more.length; i += 2) {
            config.set(more[i], more[i + 1]);
        }
        return start(config, connection -> {
            handled.incrementAndGet();
            String line = connection.getReader().readLine();
            String via = connection.getProxyAddress().map(BridgeHeader::formatAddress).orElse("none");
            connection.getOutputStream().write(("peer=" + BridgeHeader.formatAddress(connection.getPeerAddress())
                    + " local=" + BridgeHeader.formatAddress(connection.getLocalAddress())
                    + " via=" + via.substring(0, via.indexOf(':') < 0 ? via.length() : via.lastIndexOf(':'))
                    + " line=" + line + "\n").getBytes(StandardCharsets.UTF_8));
        });
    }

    /** Sends {@code bytes} (then half-closes when {@code close}) from {@code source}; returns all the server wrote. */
    private static String send(String source, int port, byte[] bytes, boolean close) throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            if (close) {
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.net.SocketException reset) {
                return ""; // a refused connection with unread bytes is reset: refused all the same
            }
        }
    }

    private static byte[] concat(byte[] header, String line) {
        byte[] text = line.getBytes(StandardCharsets.US_ASCII);
        byte[] out = java.util.Arrays.copyOf(header, header.length + text.length);
        System.arraycopy(text, 0, out, header.length, text.length);
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void theHandlerSeesTheCarriedAddressesAndTheBalancer(Handoff handoff) throws Exception {
        AtomicInteger handled = new AtomicInteger();
        PreforkEngine engine = startProxied(handoff, "any", handled);
        int port = engine.boundPort(0);
        assertEquals("peer=203.0.113.7:4242 local=198.51.100.1:443 via=127.0.0.1 line=hello v2\n",
                send("127.0.0.1", port, concat(V2_HEADER, "hello v2\n"), true));
        assertEquals("peer=[2001:db8:0:0:0:0:0:7]:4242 local=[2001:db8:0:0:0:0:0:1]:443 via=127.0.0.5 line=hello v1\n",
                send("127.0.0.5", port, concat(V1_HEADER, "hello v1\n"), true));
        // LOCAL (a balancer's own health check): the connection's own addresses, and the balancer.
        String local = send("127.0.0.1", port, concat(HexFormat.of().parseHex("0d0a0d0a000d0a515549540a20000000"), "check\n"), true);
        assertTrue(local.startsWith("peer=127.0.0.1:") && local.contains(" local=127.0.0.1:" + port) && local.endsWith(" via=127.0.0.1 line=check\n"), local);
        assertEquals(3, handled.get());
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void aBadOrMissingHeaderOrAStrangerCostsOnlyItsConnection(Handoff handoff) throws Exception {
        AtomicInteger handled = new AtomicInteger();
        PreforkEngine engine = startProxied(handoff, "v2", handled,
                EngineConfig.CIDR_DENY, "203.0.113.0/24", EngineConfig.CIDR_ALLOW, "2001:db8::/32");
        int port = engine.boundPort(0);
        assertEquals("", send("127.0.0.2", port, concat(V2_HEADER, "from a stranger\n"), true), "not in proxy_allow");
        assertEquals("", send("127.0.0.1", port, "hello without a header\n".getBytes(StandardCharsets.US_ASCII), true));
        assertEquals("", send("127.0.0.1", port, concat(V1_HEADER, "v1 where v2 is expected\n"), true));
        assertEquals("", send("127.0.0.1", port, java.util.Arrays.copyOf(V2_HEADER, 20), true), "truncated, then closed");
        byte[] forged = V2_HEADER.clone();
        forged[12] = 0x22; // command 2
        assertEquals("", send("127.0.0.1", port, concat(forged, "forged\n"), true));
        assertEquals("", send("127.0.0.1", port, concat(V2_HEADER, "from a denied client\n"), true),
                "the access rules judge the carried address, 203.0.113.7, not the balancer's");
        // Silent: the worker gives up after its bound (3 s) and closes; meanwhile the other worker serves.
        long silentStart = System.nanoTime();
        try (Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            silent.setSoTimeout(30_000);
            assertEquals("peer=[2001:db8:0:0:0:0:0:7]:4242 local=[2001:db8:0:0:0:0:0:1]:443 via=127.0.0.1 line=meanwhile\n",
                    send("127.0.0.1", port, concat(v2Ipv6(), "meanwhile\n"), true));
            assertEquals(-1, silent.getInputStream().read(), "closed without a word");
        }
        long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silentStart);
        assertTrue(silentMillis >= 2_500 && silentMillis < 30_000, "closed after the header's time bound: " + silentMillis + " ms");
        assertEquals(1, handled.get(), "only the good connection reached the handler");
    }

    /** PROXY v2 over IPv6: 2001:db8::7 port 4242 to 2001:db8::1 port 443. */
    private static byte[] v2Ipv6() {
        return HexFormat.of().parseHex("0d0a0d0a000d0a515549540a" + "21210024"
                + "20010db8000000000000000000000007" + "20010db8000000000000000000000001" + "1092" + "01bb");
    }
}
