package dev.prefork.embedded;

import dev.prefork.adapter.EndpointSettings;
import dev.prefork.api.PreforkDequeue;
import dev.prefork.dequeue.CallJob;
import dev.prefork.dequeue.DequeueSchedule;
import dev.prefork.dequeue.DequeueTimes;
import dev.prefork.engine.config.ConfigException;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The dequeue jobs of a listener bean that implements {@link PreforkDequeue}: on the schedule every host
 * shares ({@link DequeueSchedule}), each job is a call of {@code runDequeue()} on a thread of its own
 * (at most {@code max_dequeue}, so at most 64, at once), through a contextual instance of the bean as a
 * connection gets one ({@link ContextualInstances}). A call that throws is logged; the next check starts another.
 */
final class BeanDequeue {
    private static final Logger LOG = Logger.getLogger(BeanDequeue.class.getName());

    private BeanDequeue() {
    }

    /**
     * Checks the bean's dequeue settings before anything starts: null when it asks for no jobs.
     *
     * @throws ConfigException when check_for_dequeue is set on a bean that does not implement PreforkDequeue, or
     *                         without max_dequeue; naming the keys, values and where they came from
     */
    static DequeueTimes times(EndpointSettings settings, Class<?> beanClass) {
        return DequeueTimes.forListener(settings.endpoint(), beanClass, settings.config(), settings::origin, LOG);
    }

    /** Starts calling the bean's runDequeue() on {@code times}' schedule. */
    static DequeueSchedule start(EndpointSettings settings, DequeueTimes times, ContextualInstances<?> instances) {
        String name = settings.endpoint();
        LOG.info(name + ": dequeue: runDequeue() every " + times.everySeconds() + " s, at most " + times.max() + " at once");
        Runnable call = () -> {
            try {
                instances.call(PreforkDequeue.class, PreforkDequeue::runDequeue);
            } catch (Exception e) {
                LOG.log(Level.WARNING, name + ": dequeue: runDequeue() of " + instances.bean().getBeanClass().getName()
                        + " failed; the next check starts another", e);
            }
        };
        CallJob.Launcher ownThread = (task, refused) -> {
            Thread thread = new Thread(task, "prefork-dequeue-job-" + name);
            thread.setDaemon(true); // a call that ignores its interrupt must not keep the JVM alive after the stop
            thread.start();
        };
        return DequeueSchedule.start(name, times, settings.config().gracefulShutdownTimeout(),
                () -> CallJob.start("call of runDequeue()", call, ownThread, why -> { }), LOG::warning);
    }
}
