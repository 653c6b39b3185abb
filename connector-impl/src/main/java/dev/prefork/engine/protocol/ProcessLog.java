package dev.prefork.engine.protocol;


import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Log lines of the supervisor and the workers, written to standard error as {@code LEVEL [role pid]
 * text}. The controlling JVM reads them from the supervisor's standard error (the workers share it)
 * and hands them to its own logging, so they end up in the application server's log tagged with the
 * process they came from. Each line is one {@code write()} of less than PIPE_BUF bytes where possible,
 * so lines of different processes do not interleave.
 */
public final class ProcessLog {
    private static final FileOutputStream ERR = new FileOutputStream(FileDescriptor.err);
    private static final int PIPE_BUF = 4096;
    private final String tag;

    public ProcessLog(String role, String name) {
        this.tag = "[" + role + " " + CurrentProcess.pid() + " " + name + "] ";
    }

    public void info(String text) {
        write("INFO", text, null);
    }

    public void fine(String text) {
        write("FINE", text, null);
    }

    public void warning(String text) {
        write("WARNING", text, null);
    }

    public void warning(String text, Throwable error) {
        write("WARNING", text, error);
    }

    public void severe(String text, Throwable error) {
        write("SEVERE", text, error);
    }

    private void write(String level, String text, Throwable error) {
        StringBuilder line = new StringBuilder(level).append(' ').append(tag).append(text);
        if (error != null) {
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            line.append(": ").append(trace.toString().replace('\n', ' ').replace('\t', ' ').strip());
        }
        String flat = line.toString().replace('\n', ' ');
        byte[] bytes = (flat.length() > PIPE_BUF - 1 ? flat.substring(0, PIPE_BUF - 5) + "..." : flat)
                .concat("\n").getBytes(StandardCharsets.UTF_8);
        synchronized (ERR) {
            try {
                ERR.write(bytes);
            } catch (IOException ignored) {
                // nobody is reading our log any more
            }
        }
    }
}
