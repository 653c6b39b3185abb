package dev.prefork.dequeue;

import dev.prefork.api.PreforkDequeue;
import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Settings;

import java.util.function.Function;
import java.util.logging.Logger;

/**
 * When dequeue jobs run: every {@code everySeconds} ({@code check_for_dequeue}), at most {@code max}
 * ({@code max_dequeue}) at once.
 */
public record DequeueTimes(int everySeconds, int max) {

    /**
     * The schedule {@code config} asks for: null without {@code check_for_dequeue} (as in Net::Server, no
     * jobs then, whatever {@code max_dequeue} says).
     *
     * @param origin says where a setting's value came from, by key ("activation config property max_dequeue")
     * @throws ConfigException when check_for_dequeue is set and max_dequeue is 0, naming both with their origins
     */
    public static DequeueTimes of(EngineConfig config, Function<String, String> origin) {
        Integer every = config.get(Settings.CHECK_FOR_DEQUEUE);
        if (every == null) {
            return null;
        }
        int max = config.get(Settings.MAX_DEQUEUE);
        if (max == 0) {
            throw new ConfigException(Settings.MAX_DEQUEUE.key(), "0", "dequeue jobs need at least 1 with check_for_dequeue='"
                    + every + "' (from " + origin.apply(Settings.CHECK_FOR_DEQUEUE.key()) + "); max_dequeue is from "
                    + origin.apply(Settings.MAX_DEQUEUE.key()));
        }
        return new DequeueTimes(every, max);
    }

    /**
     * The schedule {@code config} asks for on a listener class, checked against it: the adapter and the Weld SE host
     * both call this before anything starts. A class that implements PreforkDequeue without check_for_dequeue is
     * told about on {@code log}, since its runDequeue() then never runs.
     *
     * @param listenerClass the MDB's or bean's class; null when the container does not say (then each job finds out)
     * @throws ConfigException as {@link #of} does, or when check_for_dequeue is set on a class that does not
     *                         implement PreforkDequeue ({@link #notImplementedBy})
     */
    public static DequeueTimes forListener(String endpoint, Class<?> listenerClass, EngineConfig config,
                                           Function<String, String> origin, Logger log) {
        DequeueTimes times = of(config, origin);
        if (listenerClass == null) {
            return times;
        }
        boolean implemented = PreforkDequeue.class.isAssignableFrom(listenerClass);
        if (times == null && implemented) {
            log.info(endpoint + ": " + listenerClass.getName() + " implements PreforkDequeue, but check_for_dequeue"
                    + " is not set: runDequeue() is never called");
        }
        if (times != null && !implemented) {
            throw times.notImplementedBy(listenerClass.getName(), origin.apply(Settings.CHECK_FOR_DEQUEUE.key()));
        }
        return times;
    }

    /**
     * The error for {@code check_for_dequeue} on an endpoint class that does not implement PreforkDequeue:
     * the adapter and the Weld SE host both refuse to start it.
     *
     * @param endpointClass the MDB's or bean's class name
     * @param origin        where check_for_dequeue's value came from
     */
    public ConfigException notImplementedBy(String endpointClass, String origin) {
        return new ConfigException(Settings.CHECK_FOR_DEQUEUE.key(), Integer.toString(everySeconds), endpointClass
                + " does not implement dev.prefork.api.PreforkDequeue, whose runDequeue() the jobs call; implement it or"
                + " remove the setting [set by " + origin + "]");
    }
}
