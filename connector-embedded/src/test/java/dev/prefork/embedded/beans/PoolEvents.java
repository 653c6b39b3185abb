package dev.prefork.embedded.beans;

import dev.prefork.embedded.PoolStarted;
import dev.prefork.embedded.PoolStopping;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the pool lifecycle events it observes; static, because the tests read them after the container closed. */
@ApplicationScoped
public class PoolEvents {
    public static final List<String> SEEN = new CopyOnWriteArrayList<>();

    void started(@Observes PoolStarted event) {
        SEEN.add("started " + event.pool().name() + " " + event.pool().port());
    }

    void stopping(@Observes PoolStopping event) {
        SEEN.add("stopping " + event.pool().name() + " running=" + event.pool().isRunning());
    }
}
