package dev.prefork.adapter;

import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.HintsContext;
import jakarta.resource.spi.work.WorkManager;

import javax.transaction.xa.XAResource;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prefork Connector's resource adapter: for every activated message-driven bean that implements
 * {@link dev.prefork.api.PreforkListener} it starts a pool of pre-forked worker processes on the MDB's
 * ports, and delivers every connection they accept to the MDB through the container's WorkManager.
 *
 * <p>Its config properties are adapter-wide settings for every endpoint (camelCase names of the engine
 * settings: {@code maxServers}, {@code maxRequests}, ...). They are unset by default, so that each endpoint
 * falls back to MicroProfile Config and then to the engine's defaults; see {@link SettingsResolver} for
 * the whole precedence order.
 */
@Connector(
        displayName = "Prefork Connector",
        description = "Pre-forked worker processes on shared listening sockets; every accepted connection goes to a message-driven bean implementing dev.prefork.api.PreforkListener.",
        vendorName = "Prefork Connector",
        eisType = "TCP server",
        version = "0.1",
        transactionSupport = TransactionSupport.TransactionSupportLevel.NoTransaction,
        reauthenticationSupport = false)
public class PreforkResourceAdapter implements ResourceAdapter {
    private static final Logger LOG = Logger.getLogger(PreforkResourceAdapter.class.getName());

    private final SettingValues values = new SettingValues();
    /** Keyed by the activation spec's identity: the container hands the same object to deactivation. */
    private final Map<ActivationSpec, ActiveEndpoint> endpoints = new IdentityHashMap<>();
    /** The container's timer, on which every endpoint reads its settings again (config_refresh). */
    private java.util.Timer refreshTimer;
    private WorkManager workManager;
    private boolean longRunningHint;

    @ConfigProperty(type = String.class, description = "Where endpoints listen, Net::Server syntax (20204, localhost:20204, [::1]:20204, /path.sock; several comma-separated). Usually set per MDB instead. Default: 20203. Unset: each endpoint falls back to prefork.port in MicroProfile Config.")
    public void setPort(String value) {
        values.set(EngineConfig.PORT, "port", value);
    }

    public String getPort() {
        return values.get(EngineConfig.PORT);
    }

    @ConfigProperty(type = String.class, description = "The address a bare port number binds; * is every address. Default: *. Unset: each endpoint falls back to prefork.host in MicroProfile Config.")
    public void setHost(String value) {
        values.set(EngineConfig.HOST, "host", value);
    }

    public String getHost() {
        return values.get(EngineConfig.HOST);
    }

    @ConfigProperty(type = String.class, description = "Worker processes kept running per port, 1 to 1024. Default: 50. Unset: each endpoint falls back to prefork.max_servers in MicroProfile Config.")
    public void setMaxServers(String value) {
        values.set(EngineConfig.MAX_SERVERS, "maxServers", value);
    }

    public String getMaxServers() {
        return values.get(EngineConfig.MAX_SERVERS);
    }

    @ConfigProperty(type = String.class, description = "Connections a worker serves before it is replaced; 0 is unlimited. Default: 100000. Unset: each endpoint falls back to prefork.max_requests in MicroProfile Config.")
    public void setMaxRequests(String value) {
        values.set(EngineConfig.MAX_REQUESTS, "maxRequests", value);
    }

    public String getMaxRequests() {
        return values.get(EngineConfig.MAX_REQUESTS);
    }

    @ConfigProperty(type = String.class, description = "How workers take turns in accept(): flock, semaphore, pipe or none. Default: flock. Unset: each endpoint falls back to prefork.serialize in MicroProfile Config.")
    public void setSerialize(String value) {
        values.set(EngineConfig.SERIALIZE, "serialize", value);
    }

    public String getSerialize() {
        return values.get(EngineConfig.SERIALIZE);
    }

    @ConfigProperty(type = String.class, description = "How a worker hands a connection to the server: descriptor (the socket itself; needs the server on JDK 22+), relay (the worker copies the bytes) or auto. Default: auto. Unset: each endpoint falls back to prefork.handoff in MicroProfile Config.")
    public void setHandoff(String value) {
        values.set(EngineConfig.HANDOFF, "handoff", value);
    }

    public String getHandoff() {
        return values.get(EngineConfig.HANDOFF);
    }

    @ConfigProperty(type = String.class, description = "The lock file for serialize flock (absolute path); set it per endpoint, never for several. Default: a generated file. Unset: each endpoint falls back to prefork.lock_file in MicroProfile Config.")
    public void setLockFile(String value) {
        values.set(EngineConfig.LOCK_FILE, "lockFile", value);
    }

    public String getLockFile() {
        return values.get(EngineConfig.LOCK_FILE);
    }

    @ConfigProperty(type = String.class, description = "Seconds between checks for workers that died unnoticed. Default: 30. Unset: each endpoint falls back to prefork.check_for_dead in MicroProfile Config.")
    public void setCheckForDead(String value) {
        values.set(EngineConfig.CHECK_FOR_DEAD, "checkForDead", value);
    }

    public String getCheckForDead() {
        return values.get(EngineConfig.CHECK_FOR_DEAD);
    }

    @ConfigProperty(type = String.class, description = "The listen backlog of each port. Default: 1024. Unset: each endpoint falls back to prefork.listen in MicroProfile Config.")
    public void setListen(String value) {
        values.set(EngineConfig.LISTEN, "listen", value);
    }

    public String getListen() {
        return values.get(EngineConfig.LISTEN);
    }

    @ConfigProperty(type = String.class, description = "Seconds a stopping worker may finish its connection before it is killed. Default: 10. Unset: each endpoint falls back to prefork.graceful_shutdown_timeout in MicroProfile Config.")
    public void setGracefulShutdownTimeout(String value) {
        values.set(EngineConfig.GRACEFUL_SHUTDOWN_TIMEOUT, "gracefulShutdownTimeout", value);
    }

    public String getGracefulShutdownTimeout() {
        return values.get(EngineConfig.GRACEFUL_SHUTDOWN_TIMEOUT);
    }

    @ConfigProperty(type = String.class, description = "The JDK 22+ that runs the supervisor and worker processes. Default: the server's own JDK when it is 22+. Unset: each endpoint falls back to prefork.java_home in MicroProfile Config.")
    public void setJavaHome(String value) {
        values.set(EngineConfig.JAVA_HOME, "javaHome", value);
    }

    public String getJavaHome() {
        return values.get(EngineConfig.JAVA_HOME);
    }

    @ConfigProperty(type = String.class, description = "JVM options of every worker process, separated by spaces. Default: small-footprint flags (see README). Unset: each endpoint falls back to prefork.worker_jvm_options in MicroProfile Config.")
    public void setWorkerJvmOptions(String value) {
        values.set(EngineConfig.WORKER_JVM_OPTIONS, "workerJvmOptions", value);
    }

    public String getWorkerJvmOptions() {
        return values.get(EngineConfig.WORKER_JVM_OPTIONS);
    }

    @ConfigProperty(type = String.class, description = "Where each endpoint's private directory (bridge socket, scoreboard) is made. Default: java.io.tmpdir. Unset: each endpoint falls back to prefork.runtime_dir in MicroProfile Config.")
    public void setRuntimeDir(String value) {
        values.set(EngineConfig.RUNTIME_DIR, "runtimeDir", value);
    }

    public String getRuntimeDir() {
        return values.get(EngineConfig.RUNTIME_DIR);
    }

    @ConfigProperty(type = String.class, description = "Where an endpoint's supervisor answers HTTP GET /status and /health: a port number (binds 127.0.0.1) or host:port; TCP only. Usually set per endpoint (each needs its own port). Default: off. Unset: each endpoint falls back to prefork.status_port in MicroProfile Config.")
    public void setStatusPort(String value) {
        values.set(EngineConfig.STATUS_PORT, "statusPort", value);
    }

    public String getStatusPort() {
        return values.get(EngineConfig.STATUS_PORT);
    }

    @ConfigProperty(type = String.class, description = "Where an endpoint's supervisor answers HAProxy's agent-check (ready N%, drain or maint): a port number (binds 127.0.0.1) or host:port. Usually set per endpoint. Default: off. Unset: each endpoint falls back to prefork.agent_port in MicroProfile Config.")
    public void setAgentPort(String value) {
        values.set(EngineConfig.AGENT_PORT, "agentPort", value);
    }

    public String getAgentPort() {
        return values.get(EngineConfig.AGENT_PORT);
    }

    @ConfigProperty(type = String.class, description = "Seconds between two readings of the settings a running pool takes (max_servers, max_requests, max_requests_jitter, graceful_shutdown_timeout) from MicroProfile Config; changes apply without a redeploy; 0 turns it off. Default: 5. Unset: each endpoint falls back to prefork.config_refresh in MicroProfile Config.")
    public void setConfigRefresh(String value) {
        values.set(EngineConfig.CONFIG_REFRESH, "configRefresh", value);
    }

    public String getConfigRefresh() {
        return values.get(EngineConfig.CONFIG_REFRESH);
    }

    @ConfigProperty(type = String.class, description = "Share the workers' classes through a class-data-sharing archive made by the first worker that exits: true or false. Default: true. Unset: each endpoint falls back to prefork.worker_cds in MicroProfile Config.")
    public void setWorkerCds(String value) {
        values.set(EngineConfig.WORKER_CDS, "workerCds", value);
    }

    public String getWorkerCds() {
        return values.get(EngineConfig.WORKER_CDS);
    }

    @ConfigProperty(type = String.class, description = "Each worker serves max_requests plus a random 0 to this many connections, so that workers started together do not all leave together. Default: half of max_requests. Unset: each endpoint falls back to prefork.max_requests_jitter in MicroProfile Config.")
    public void setMaxRequestsJitter(String value) {
        values.set(EngineConfig.MAX_REQUESTS_JITTER, "maxRequestsJitter", value);
    }

    public String getMaxRequestsJitter() {
        return values.get(EngineConfig.MAX_REQUESTS_JITTER);
    }

    /** The adapter-wide settings given as config properties, by canonical key. */
    Map<String, String> settings() {
        return values.asMap();
    }

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        workManager = context.getWorkManager();
        try {
            refreshTimer = context.createTimer();
        } catch (jakarta.resource.spi.UnavailableException | RuntimeException e) {
            LOG.warning("Prefork Connector: the container gives no timer (" + e + "); config_refresh is off");
            refreshTimer = null;
        }
        longRunningHint = context.isContextSupported(HintsContext.class);
        if (!values.conflicts().isEmpty()) {
            throw new ResourceAdapterInternalException("Prefork Connector: config properties given twice: " + values.conflicts());
        }
        LOG.info("Prefork Connector started; adapter config properties " + (values.asMap().isEmpty() ? "unset" : values.asMap())
                + "; connections run as " + (longRunningHint ? "long-running " : "") + "WorkManager work"
                + "; MicroProfile Config: " + PrivateConfig.implementation());
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        if (!(spec instanceof PreforkActivationSpec preforkSpec)) {
            throw new NotSupportedException("Prefork Connector takes " + PreforkActivationSpec.class.getName()
                    + ", not " + (spec == null ? "null" : spec.getClass().getName()));
        }
        preforkSpec.validate();
        String endpoint = EndpointNames.choose(preforkSpec.getName(), factory);
        EndpointSettings settings;
        try {
            settings = SettingsResolver.resolve(endpoint, preforkSpec.settings(), values.asMap(),
                    PrivateConfig.forEndpoint(EndpointNames.endpointClassLoader(factory)));
        } catch (ConfigException e) {
            throw new ResourceException(endpoint + ": " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new ResourceException(endpoint + ": cannot read MicroProfile Config: " + e, e);
        }
        LOG.info(settings.describe());
        // The delivery learns first when the container is shutting the MDB down; it stops the endpoint
        // then, which only exists once started: hence the holder.
        AtomicReference<ActiveEndpoint> started = new AtomicReference<>();
        EndpointDelivery delivery = new EndpointDelivery(endpoint, factory, () -> ActiveEndpoint.stopInBackground(started.get()));
        ActiveEndpoint active;
        try {
            active = ActiveEndpoint.start(settings, delivery, workManager, longRunningHint);
        } catch (ConfigException e) {
            throw new ResourceException(endpoint + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResourceException(endpoint + ": interrupted while starting", e);
        } catch (Exception e) {
            throw new ResourceException(endpoint + ": could not start: " + e.getMessage(), e);
        }
        started.set(active);
        synchronized (endpoints) {
            endpoints.put(spec, active);
        }
        ClassLoader endpointLoader = EndpointNames.endpointClassLoader(factory);
        active.refreshEvery(refreshTimer, () -> SettingsResolver.resolve(endpoint, preforkSpec.settings(), values.asMap(),
                PrivateConfig.forEndpoint(endpointLoader)));
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        ActiveEndpoint active;
        synchronized (endpoints) {
            active = endpoints.remove(spec);
        }
        if (active != null) {
            active.stop();
        }
    }

    /** Stops every endpoint still active, all at once, each within its own bounded grace period. */
    @Override
    public void stop() {
        List<ActiveEndpoint> remaining;
        synchronized (endpoints) {
            remaining = new ArrayList<>(endpoints.values());
            endpoints.clear();
        }
        List<Thread> stopping = new ArrayList<>();
        for (ActiveEndpoint endpoint : remaining) {
            Thread thread = new Thread(endpoint::stop, "prefork-stop-" + endpoint.name());
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                // The engine's own stop is bounded (grace period + 10 s, then it kills); this is a backstop.
                thread.join(TimeUnit.MINUTES.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.log(Level.WARNING, "interrupted while stopping endpoints");
                break;
            }
        }
        if (refreshTimer != null) {
            refreshTimer.cancel();
        }
        LOG.info("Prefork Connector stopped");
    }

    /** No XA: the adapter brings no transactional resource of its own. */
    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    /** Identity: each instance owns its own running endpoints. */
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
