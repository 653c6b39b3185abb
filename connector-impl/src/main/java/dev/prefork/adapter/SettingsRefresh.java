package dev.prefork.adapter;

import dev.prefork.engine.LiveRetune;

import java.io.IOException;
import java.util.TimerTask;
import java.util.logging.Logger;

/**
 * Reads an active endpoint's settings again, every {@code config_refresh} seconds on the adapter's
 * timer (the container's, from {@code BootstrapContext.createTimer()}), and hands them to
 * {@link LiveRetune}: an operator's new {@code prefork.<endpoint>.max_servers} resizes the pool
 * without a redeploy. It never throws: one timer serves every endpoint of the adapter.
 */
final class SettingsRefresh extends TimerTask {
    private static final Logger LOG = Logger.getLogger(SettingsRefresh.class.getName());

    /** Resolves the endpoint's settings anew, through every layer of the precedence order. */
    @FunctionalInterface
    interface Source {
        EndpointSettings read() throws IOException;
    }

    private final String endpoint;
    private final LiveRetune retune;
    private final Source source;
    /** The last problem reported, so that a bad value is logged when it appears, not every period. */
    private String lastProblem;

    SettingsRefresh(String endpoint, LiveRetune retune, Source source) {
        this.endpoint = endpoint;
        this.retune = retune;
        this.source = source;
    }

    @Override
    public void run() {
        try {
            EndpointSettings next = source.read();
            retune.apply(next.config(), key -> next.settings().stream()
                    .filter(setting -> setting.key().equals(key)).findFirst()
                    .map(ResolvedSetting::origin).orElse("unknown origin"));
            lastProblem = null;
        } catch (IOException | RuntimeException e) {
            String problem = String.valueOf(e.getMessage());
            if (!problem.equals(lastProblem)) {
                lastProblem = problem;
                LOG.warning(endpoint + ": the settings read again are not usable (" + problem
                        + "); the pool keeps the ones it runs with");
            }
        }
    }
}
