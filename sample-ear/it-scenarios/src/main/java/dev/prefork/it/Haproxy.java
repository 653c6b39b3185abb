package dev.prefork.it;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real HAProxy (Debian's package) for one test: its configuration and admin socket in a directory of
 * its own, run in the foreground as our child, and everything removed again on {@link #close}. Shared by
 * the engine's balancer test (connector-impl) and the WildFly node's (wildfly-it).
 */
public final class Haproxy implements AutoCloseable {
    private final Path directory;
    private final Process process;

    private Haproxy(Path directory, Process process) {
        this.directory = directory;
        this.process = process;
    }

    /** The haproxy binary, or null when it is not installed (Debian: apt-get install -y haproxy). */
    public static String binary() {
        for (String candidate : new String[] {"/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    /** Starts HAProxy with {@code config} plus a global section with the admin socket; checks the file first. */
    public static Haproxy start(String config) throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("prefork-haproxy");
        try {
            Path file = directory.resolve("haproxy.cfg");
            Files.writeString(file, "global\n    stats socket " + directory.resolve("admin.sock") + " mode 600 level admin\n"
                    + "    nbthread 1\n    maxconn 512\n    log stderr format raw local0 info\n\n" + config);
            Process check = new ProcessBuilder(binary(), "-c", "-f", file.toString()).redirectErrorStream(true).start();
            String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
                check.destroyForcibly();
                throw new IllegalStateException("haproxy -c refused the configuration:\n" + checked + "\n" + config);
            }
            Process process = new ProcessBuilder(binary(), "-db", "-f", file.toString())
                    .redirectErrorStream(true).redirectOutput(directory.resolve("haproxy.log").toFile()).start();
            return new Haproxy(directory, process);
        } catch (IOException | RuntimeException | InterruptedException e) {
            delete(directory);
            throw e;
        }
    }

    /**
     * The TCP-mode configuration README's "Running on several machines" shows: a frontend on
     * 127.0.0.1:{@code frontendPort} and backend {@code nodes} of {@code serverLines} (see {@link #serverLine}),
     * balanced by least connections, each server checked on {@code /health} of its status port.
     */
    public static String balancerConfig(int frontendPort, String... serverLines) {
        return """
                defaults
                    mode tcp
                    log global
                    option tcplog
                    timeout connect 5s
                    timeout client 60s
                    timeout server 60s
                    timeout check 5s
                    retries 3
                    option redispatch

                frontend pools
                    bind 127.0.0.1:%d
                    default_backend nodes

                backend nodes
                    balance leastconn
                    option httpchk GET /health
                %s""".formatted(frontendPort, String.join("", serverLines));
    }

    /**
     * One server of backend {@code nodes}: PROXY v2 in front of every connection, {@code maxconn} (the
     * node's max_servers, so that HAProxy queues rather than the node's listen backlog), weight 100 for
     * the agent's percentage to scale, the health check on {@code statusPort} and agent-check on
     * {@code agentPort}, both every 500 ms.
     */
    public static String serverLine(String name, String host, int port, int maxconn, int statusPort, int agentPort) {
        return "    server " + name + " " + host + ":" + port + " send-proxy-v2 maxconn " + maxconn + " weight 100"
                + " check port " + statusPort + " inter 500ms fall 3 rise 2"
                + " agent-check agent-port " + agentPort + " agent-inter 500ms\n";
    }

    /** One admin-socket command's whole answer, or "" while the socket is not there yet. */
    public String command(String line) throws IOException {
        Path socket = directory.resolve("admin.sock");
        if (!Files.exists(socket)) {
            return "";
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            while (channel.read(buffer) >= 0 && buffer.hasRemaining()) {
                // until HAProxy closes
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /** HAProxy's status of server {@code server} in {@code backend} (UP, DOWN, DRAIN, MAINT, ...), from {@code show stat}. */
    public String status(String backend, String server) throws IOException {
        String[] lines = command("show stat").split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# ")) {
            return "";
        }
        java.util.List<String> columns = java.util.List.of(lines[0].substring(2).split(","));
        int status = columns.indexOf("status");
        for (String line : lines) {
            String[] fields = line.split(",", -1);
            if (fields.length > status && fields[0].equals(backend) && fields[1].equals(server)) {
                return fields[status];
            }
        }
        return "";
    }

    /** What HAProxy wrote, for a failure message. */
    public String log() {
        try {
            return Files.readString(directory.resolve("haproxy.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            delete(directory);
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
