package dev.prefork.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One line of /proc/PID/stat (or /proc/PID/task/TID/stat), read once. The command's name (field 2) may hold spaces
 * and parentheses, so the fields are counted from the last ')'.
 *
 * @param state the state letter: R running, S sleeping, T stopped by a signal, t stopped by a tracer, Z zombie ...
 * @param ppid  the parent's pid
 * @param pgrp  the process group
 * @param session the session id
 */
public record ProcStat(char state, long ppid, long pgrp, long session) {

    /** The stat of process {@code pid}; fails with {@link IOException} when it is gone. */
    public static ProcStat of(long pid) throws IOException {
        return read(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** The stat file {@code stat}: a process's, or one thread's under /proc/PID/task. */
    public static ProcStat read(Path stat) throws IOException {
        String line = Files.readString(stat);
        int end = line.lastIndexOf(')');
        if (end < 0 || end + 2 >= line.length()) {
            throw new IOException(stat + " is not a stat line: " + line);
        }
        String[] fields = line.substring(end + 2).split(" ");
        return new ProcStat(fields[0].charAt(0), Long.parseLong(fields[1]), Long.parseLong(fields[2]), Long.parseLong(fields[3]));
    }

    /** Stopped by a signal or by a tracer. */
    public boolean stopped() {
        return state == 'T' || state == 't';
    }
}
