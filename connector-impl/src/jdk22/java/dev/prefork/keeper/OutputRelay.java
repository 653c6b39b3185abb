package dev.prefork.keeper;

import dev.prefork.posix.ChildCalls;
import dev.prefork.posix.Posix;
import dev.prefork.posix.PosixException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Logs what one program writes to its standard output and error, line by line, each line tagged with
 * the program's name and pid; a line longer than {@link #MAX_LINE} bytes is cut there (the rest of it is
 * dropped), so a program that writes without line breaks costs a bounded buffer. Runs on a thread of its
 * own until the pipe's end of stream (when the program and all it started have gone), then closes it.
 */
final class OutputRelay implements Runnable {
    static final int MAX_LINE = 1000;

    private final int fd;
    private final String tag;
    private final PrintStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    private boolean cut;

    OutputRelay(int fd, String tag, PrintStream out) {
        this.fd = fd;
        this.tag = tag;
        this.out = out;
    }

    /** Starts relaying {@code fd} on a small daemon thread. */
    static void start(int fd, String tag, PrintStream out) {
        Thread.ofPlatform().name("prefork-output-" + tag).daemon().stackSize(256 * 1024)
                .start(new OutputRelay(fd, tag, out));
    }

    @Override
    public void run() {
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = ChildCalls.read(fd, buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    take(buffer[i]);
                }
            }
        } catch (PosixException e) {
            out.println("prefork: " + tag + ": its output cannot be read any more: " + e.getMessage());
        } finally {
            if (line.size() > 0 || cut) {
                emit();
            }
            Posix.close(fd);
        }
    }

    private void take(byte b) {
        if (b == '\n') {
            emit();
            return;
        }
        if (line.size() < MAX_LINE) {
            line.write(b);
        } else {
            cut = true;
        }
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        out.println("prefork: " + tag + ": " + text + (cut ? " [cut at " + MAX_LINE + " bytes]" : ""));
        line.reset();
        cut = false;
    }
}
