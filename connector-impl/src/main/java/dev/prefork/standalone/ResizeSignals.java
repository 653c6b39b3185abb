package dev.prefork.standalone;

import java.io.PrintStream;

/**
 * SIGTTIN and SIGTTOU to the launcher, as Net::Server's parent takes them: one worker per port (or one
 * program pool copy) more, or fewer. The pid_file names the launcher, so that is where its users send
 * them; unhandled, their default action would stop (freeze) the launcher's whole JVM.
 */
final class ResizeSignals {
    private ResizeSignals() {
    }

    /** Runs {@code more} on SIGTTIN and {@code fewer} on SIGTTOU, each on a thread of its own. */
    @SuppressWarnings("restriction")
    static void install(Runnable more, Runnable fewer, PrintStream out) {
        for (String name : new String[] {"TTIN", "TTOU"}) {
            Runnable action = name.equals("TTIN") ? more : fewer;
            try {
                // The JVM's signal thread must not wait for the supervisor or the keeper.
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    Thread thread = new Thread(() -> {
                        try {
                            action.run();
                        } catch (RuntimeException e) {
                            out.println("prefork: SIG" + name + ": " + e.getMessage());
                        }
                    }, "prefork-sig" + name.toLowerCase(java.util.Locale.ROOT));
                    thread.setDaemon(true);
                    thread.start();
                });
            } catch (IllegalArgumentException e) {
                out.println("prefork: SIG" + name + " cannot be handled here (" + e.getMessage() + ")");
            }
        }
    }
}
