package dev.prefork.standalone;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** The lines a launcher run as a process prints, for tests that wait (bounded) for one of them. */
public final class LauncherOutput {
    private LauncherOutput() {
    }

    /** Every line of {@code streams}, as the process prints them, read by a daemon thread per stream. */
    public static BlockingQueue<String> follow(InputStream... streams) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        for (InputStream stream : streams) {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }
        return lines;
    }

    /** The first line containing {@code containing}, waiting at most 60 s; fails saying what was printed. */
    public static String awaitLine(BlockingQueue<String> lines, String containing) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> seen = new ArrayList<>();
        while (true) {
            String line = lines.poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
            if (line == null) {
                fail("the launcher never printed a line containing '" + containing + "'; it printed " + seen);
            }
            seen.add(line);
            if (line.contains(containing)) {
                return line;
            }
        }
    }

    /** The file's text once it contains {@code containing}, polling (nothing announces a write) for at most 60 s. */
    public static String awaitInFile(java.nio.file.Path file, String containing) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String text = "";
        while (System.nanoTime() < deadline) {
            text = java.nio.file.Files.exists(file) ? java.nio.file.Files.readString(file) : "";
            if (text.contains(containing)) {
                return text;
            }
            Thread.sleep(50);
        }
        fail("'" + containing + "' never appeared in " + file + ":\n" + text);
        return text;
    }
}
