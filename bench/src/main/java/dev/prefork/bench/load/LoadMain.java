package dev.prefork.bench.load;

import java.time.Duration;

/**
 * The load generator on its own, against any line-echo server:
 * {@code java -cp bench.jar dev.prefork.bench.load.LoadMain --port 20206 --mode conn --clients 16 --seconds 5 --rst}.
 */
public final class LoadMain {

    private LoadMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int port = 20206;
        Mode mode = Mode.CONN;
        int clients = 16;
        double seconds = 5;
        double warmup = 1;
        boolean rst = false;
        long holdMillis = 100;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--host" -> { host = value; i++; }
                case "--port" -> { port = Integer.parseInt(value); i++; }
                case "--mode" -> { mode = Mode.parse(value); i++; }
                case "--clients" -> { clients = Integer.parseInt(value); i++; }
                case "--seconds" -> { seconds = Double.parseDouble(value); i++; }
                case "--warmup" -> { warmup = Double.parseDouble(value); i++; }
                case "--hold-ms" -> { holdMillis = Long.parseLong(value); i++; }
                case "--rst" -> rst = true;
                default -> {
                    System.err.println("usage: LoadMain [--host H] [--port P] [--mode conn|keepalive|hold] [--clients C]"
                            + " [--seconds S] [--warmup S] [--hold-ms N] [--rst]");
                    System.exit(2);
                }
            }
        }
        LoadSpec spec = new LoadSpec(host, port, mode, clients, Duration.ofMillis((long) (seconds * 1000)), rst,
                Duration.ofMillis(holdMillis), LoadSpec.DEFAULT_MAX_REQUESTS_PER_CLIENT, Duration.ofSeconds(5));
        LoadResult result = LoadGenerator.runWithWarmup(spec, Duration.ofMillis((long) (warmup * 1000)));
        System.out.println(mode.key() + (rst ? " rst" : "") + " " + clients + " clients: " + result);
    }
}
