package dev.prefork.supervisor;

import java.nio.channels.SocketChannel;

/**
 * What the arbiter's loop reacts to. Threads that watch the outside world (standard input, child
 * exits, worker links, signals) only put events in the queue; the loop alone changes state.
 */
sealed interface Event {

    /** A command line from the controlling JVM. */
    record Command(String line) implements Event {
    }

    /** The controlling JVM closed our standard input: it stopped us, or it is gone. */
    record InputClosed() implements Event {
    }

    /** A child was reaped, with its raw wait status. */
    record ChildExited(long pid, int status) implements Event {
    }

    /** A worker reached its accept loop and connected its link. */
    record WorkerHello(long pid, SocketChannel link) implements Event {
    }

    /** A signal sent to the supervisor (TERM, INT, HUP, TTIN, TTOU). */
    record Signal(String name) implements Event {
    }
}
