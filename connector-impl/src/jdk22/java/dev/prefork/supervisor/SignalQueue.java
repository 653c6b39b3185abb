package dev.prefork.supervisor;

import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.posix.Hangup;

import java.util.concurrent.BlockingQueue;

/**
 * Turns the signals an operator sends the supervisor into queued events, and does nothing else in the
 * handler. A full queue drops the signal, as gunicorn's bounded signal queue does.
 */
final class SignalQueue {
    private static final String[] HANDLED = {"TERM", "INT", "HUP", "TTIN", "TTOU"};

    private SignalQueue() {
    }

    @SuppressWarnings("restriction")
    static void install(BlockingQueue<Event> events, ProcessLog log) {
        for (String name : HANDLED) {
            try {
                if (name.equals("HUP") && Hangup.restoreIfIgnored()) {
                    log.info("SIGHUP was ignored when this process started (nohup?); it is handled all the same, as Net::Server does");
                }
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> events.offer(new Event.Signal(name)));
            } catch (IllegalArgumentException | IllegalStateException e) {
                // IllegalStateException: restoring SIGHUP's default failed; the other signals are still handled.
                log.warning("cannot handle SIG" + name + ": " + e.getMessage());
            }
        }
    }
}
