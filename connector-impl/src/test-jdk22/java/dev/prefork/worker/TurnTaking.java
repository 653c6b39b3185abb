package dev.prefork.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** For the accept-turn tests: an accepting thread taking the turn, and bounded waits for states that send no event. */
final class TurnTaking {
    private TurnTaking() {
    }

    /** Starts a thread, named as the worker's, that takes {@code turn}; completes with what acquire() returned. */
    static CompletableFuture<Boolean> acquireOnItsOwnThread(AcceptLock turn) {
        CompletableFuture<Boolean> taking = new CompletableFuture<>();
        Thread accepting = new Thread(() -> {
            try {
                taking.complete(turn.acquire());
            } catch (Throwable t) {
                taking.completeExceptionally(t);
            }
        }, "accepting");
        accepting.start();
        return taking;
    }

    /**
     * Whether {@code state} holds within 5 s, looked at every 10 ms: a thread blocked in the kernel (a lock, a
     * semaphore, a read) tells no one, so only its traces (its stack, the kernel's tables) can be watched.
     */
    static boolean within5Seconds(BooleanSupplier state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (state.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
