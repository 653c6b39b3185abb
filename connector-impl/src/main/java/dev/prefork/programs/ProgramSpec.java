package dev.prefork.programs;

import dev.prefork.engine.config.ProgramSocket;

/**
 * One program to keep running: {@code copies} of {@code command} (a shell command line, run with exec
 * by /bin/sh), named {@code name} in the log. {@code socket} says how it gets the listening sockets, or
 * is null for a program without one (the hydra's kind).
 */
public record ProgramSpec(String name, String command, int copies, ProgramSocket socket) {

    /** Whether this is a program pool's worker, given the listening sockets. */
    public boolean listens() {
        return socket != null;
    }
}
