package dev.prefork.adapter;

import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.SettingLayer;
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
 * ports, and delivers every connection they accept to the MDB through the container's WorkManager; for
 * one that implements {@link dev.prefork.api.PreforkDequeue} with {@code check_for_dequeue} it also
 * calls {@code runDequeue()} on that schedule, through the WorkManager too.
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

    private final SettingValues values = new SettingValues(SettingLayer.ADAPTER_PROPERTY);
    /** Keyed by the activation spec's identity: the container hands the same object to deactivation. */
    private final Map<ActivationSpec, ActiveEndpoint> endpoints = new IdentityHashMap<>();
    /** Set by {@link #stop()}, guarded by {@link #endpoints}: a stopped instance starts no pool again. */
    private boolean stopped;
    /** The container's timer, on which every endpoint reads its settings again (config_refresh). */
    private java.util.Timer refreshTimer;
    private BootstrapContext bootstrap;
    private WorkManager workManager;
    private boolean longRunningHint;

    /**
     * What the server's console shows for every property: one text for all, so that none can drift from
     * the declarations in dev.prefork.engine.config.Settings, where each setting's meaning, default and
     * allowed values are (rendered in the README and by {@code --help}).
     */
    static final String ABOUT = "An engine setting for every endpoint of this adapter: the camelCase name of a setting in"
            + " the README's settings table, which gives its meaning, default and allowed values. Unset: each endpoint"
            + " falls back to prefork.<key> in MicroProfile Config, then to the default.";

    // One setter and getter per property, each delegating to the store by its property name (the
    // camelCase JavaBean name that @ConfigProperty gives it): the settings are declared in
    // dev.prefork.engine.config.Settings.

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setPort(String value) { values.set("port", value); }
    public String getPort() { return values.get("port"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setHost(String value) { values.set("host", value); }
    public String getHost() { return values.get("host"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setMaxServers(String value) { values.set("maxServers", value); }
    public String getMaxServers() { return values.get("maxServers"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setMaxRequests(String value) { values.set("maxRequests", value); }
    public String getMaxRequests() { return values.get("maxRequests"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setMaxRequestsJitter(String value) { values.set("maxRequestsJitter", value); }
    public String getMaxRequestsJitter() { return values.get("maxRequestsJitter"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setSerialize(String value) { values.set("serialize", value); }
    public String getSerialize() { return values.get("serialize"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setHandoff(String value) { values.set("handoff", value); }
    public String getHandoff() { return values.get("handoff"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setDescriptorTransfer(String value) { values.set("descriptorTransfer", value); }
    public String getDescriptorTransfer() { return values.get("descriptorTransfer"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setLockFile(String value) { values.set("lockFile", value); }
    public String getLockFile() { return values.get("lockFile"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setCheckForDead(String value) { values.set("checkForDead", value); }
    public String getCheckForDead() { return values.get("checkForDead"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setListen(String value) { values.set("listen", value); }
    public String getListen() { return values.get("listen"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setGracefulShutdownTimeout(String value) { values.set("gracefulShutdownTimeout", value); }
    public String getGracefulShutdownTimeout() { return values.get("gracefulShutdownTimeout"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setJavaHome(String value) { values.set("javaHome", value); }
    public String getJavaHome() { return values.get("javaHome"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setWorkerJvmOptions(String value) { values.set("workerJvmOptions", value); }
    public String getWorkerJvmOptions() { return values.get("workerJvmOptions"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setWorkerCds(String value) { values.set("workerCds", value); }
    public String getWorkerCds() { return values.get("workerCds"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setRuntimeDir(String value) { values.set("runtimeDir", value); }
    public String getRuntimeDir() { return values.get("runtimeDir"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setStatusPort(String value) { values.set("statusPort", value); }
    public String getStatusPort() { return values.get("statusPort"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setAgentPort(String value) { values.set("agentPort", value); }
    public String getAgentPort() { return values.get("agentPort"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setConfigRefresh(String value) { values.set("configRefresh", value); }
    public String getConfigRefresh() { return values.get("configRefresh"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setProxyProtocol(String value) { values.set("proxyProtocol", value); }
    public String getProxyProtocol() { return values.get("proxyProtocol"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setProxyAllow(String value) { values.set("proxyAllow", value); }
    public String getProxyAllow() { return values.get("proxyAllow"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setDrainTimeout(String value) { values.set("drainTimeout", value); }
    public String getDrainTimeout() { return values.get("drainTimeout"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setMaxStarting(String value) { values.set("maxStarting", value); }
    public String getMaxStarting() { return values.get("maxStarting"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setWorkerBootTimeout(String value) { values.set("workerBootTimeout", value); }
    public String getWorkerBootTimeout() { return values.get("workerBootTimeout"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setMaxWorkerRss(String value) { values.set("maxWorkerRss", value); }
    public String getMaxWorkerRss() { return values.get("maxWorkerRss"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setMaxWorkerAge(String value) { values.set("maxWorkerAge", value); }
    public String getMaxWorkerAge() { return values.get("maxWorkerAge"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setIdleTimeout(String value) { values.set("idleTimeout", value); }
    public String getIdleTimeout() { return values.get("idleTimeout"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setRequestTimeout(String value) { values.set("requestTimeout", value); }
    public String getRequestTimeout() { return values.get("requestTimeout"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setSlowThreshold(String value) { values.set("slowThreshold", value); }
    public String getSlowThreshold() { return values.get("slowThreshold"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setMaxClients(String value) { values.set("maxClients", value); }
    public String getMaxClients() { return values.get("maxClients"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setDeliverOn(String value) { values.set("deliverOn", value); }
    public String getDeliverOn() { return values.get("deliverOn"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setFirstByteTimeout(String value) { values.set("firstByteTimeout", value); }
    public String getFirstByteTimeout() { return values.get("firstByteTimeout"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setMaxWait(String value) { values.set("maxWait", value); }
    public String getMaxWait() { return values.get("maxWait"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setAllow(String value) { values.set("allow", value); }
    public String getAllow() { return values.get("allow"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setDeny(String value) { values.set("deny", value); }
    public String getDeny() { return values.get("deny"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setCidrAllow(String value) { values.set("cidrAllow", value); }
    public String getCidrAllow() { return values.get("cidrAllow"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setCidrDeny(String value) { values.set("cidrDeny", value); }
    public String getCidrDeny() { return values.get("cidrDeny"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setClients(String value) { values.set("clients", value); }
    public String getClients() { return values.get("clients"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setDenyMessage(String value) { values.set("denyMessage", value); }
    public String getDenyMessage() { return values.get("denyMessage"); }

    @ConfigProperty(type = String.class, description = ABOUT)
    public void setBusyMessage(String value) { values.set("busyMessage", value); }
    public String getBusyMessage() { return values.get("busyMessage"); }

    /** The adapter-wide settings given as config properties, by canonical key. */
    Map<String, String> settings() {
        return values.asMap();
    }

    /** The store behind the properties, with the name each value arrived under. */
    SettingValues values() {
        return values;
    }

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        synchronized (endpoints) {
            stopped = false;
        }
        bootstrap = context;
        workManager = context.getWorkManager();
        refreshTimer = containerTimer();
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
        if (isStopped()) {
            LOG.warning(staleActivation(EndpointNames.choose(preforkSpec.getName(), factory)));
            return;
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
            EndpointDequeue dequeue = EndpointDequeue.forEndpoint(settings, factory);
            active = ActiveEndpoint.start(settings, delivery, dequeue, workManager, longRunningHint);
        } catch (ConfigException e) {
            throw new ResourceException(endpoint + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResourceException(endpoint + ": interrupted while starting", e);
        } catch (Exception e) {
            throw new ResourceException(endpoint + ": could not start: " + e.getMessage(), e);
        }
        started.set(active);
        boolean stoppedMeanwhile;
        synchronized (endpoints) {
            stoppedMeanwhile = stopped;
            if (!stoppedMeanwhile) {
                endpoints.put(spec, active);
            }
        }
        if (stoppedMeanwhile) { // stop() ran while this pool started: it did not see it, so it is ours to stop
            active.stopWithoutDrain();
            LOG.warning(staleActivation(endpoint));
            return;
        }
        ClassLoader endpointLoader = EndpointNames.endpointClassLoader(factory);
        refreshOnContainerTimer(active, () -> SettingsResolver.resolve(endpoint, preforkSpec.settings(), values.asMap(),
                PrivateConfig.forEndpoint(endpointLoader)));
    }

    private boolean isStopped() {
        synchronized (endpoints) {
            return stopped;
        }
    }

    /**
     * Why an activation on a stopped instance starts nothing. WildFly 39 does it: an MDB whose activation
     * failed once (a bad setting that rolled its deployment back) stays registered for the server's resume,
     * and every later resume, the boot after a {@code :reload} included, activates that dead component on
     * the adapter instance of the rolled-back deployment. A pool started for it would hold the MDB's port
     * for good (nobody deactivates a dead component), and the live MDB's activation would then fail with
     * "Address already in use". Quietly, not with an exception: WildFly fails the whole resume or boot on
     * an activation's exception.
     */
    private static String staleActivation(String endpoint) {
        return endpoint + ": not activated: this resource adapter instance was stopped, so the container is"
                + " activating an MDB of a deployment it no longer runs (WildFly does so on resume for an MDB whose"
                + " activation once failed); no pool is started, and the MDB's live activation gets the port";
    }

    /** A timer from the container, or null (config_refresh off) when it gives none. */
    private java.util.Timer containerTimer() {
        try {
            return bootstrap.createTimer();
        } catch (jakarta.resource.spi.UnavailableException | RuntimeException e) {
            LOG.warning("Prefork Connector: the container gives no timer (" + e + "); config_refresh is off");
            return null;
        }
    }

    /**
     * Schedules the endpoint's config_refresh on the container's timer. The running pool must not be lost
     * to a cancelled timer: an activation that failed with "Timer already cancelled" failed WildFly's whole
     * boot after a {@code :reload}. (That activation was WildFly's stale one on a stopped instance, whose
     * timer {@link #stop()} had cancelled; a stopped instance now starts nothing, see
     * {@link #staleActivation}. A container may still cancel a timer it gave.) Such a timer is replaced by
     * a new one from the container, once; if that fails too, the endpoint runs without refresh.
     */
    private void refreshOnContainerTimer(ActiveEndpoint active, SettingsRefresh.Source source) {
        java.util.Timer timer;
        synchronized (this) {
            timer = refreshTimer;
        }
        try {
            active.refreshEvery(timer, source);
            return;
        } catch (IllegalStateException cancelled) {
            LOG.warning(active.name() + ": the container's timer was cancelled (" + cancelled.getMessage()
                    + "); taking a new one for config_refresh");
        }
        synchronized (this) {
            if (refreshTimer == timer) {
                refreshTimer = containerTimer();
            }
            timer = refreshTimer;
        }
        try {
            active.refreshEvery(timer, source);
        } catch (IllegalStateException again) {
            LOG.warning(active.name() + ": the container's new timer is cancelled too (" + again.getMessage()
                    + "); config_refresh is off for this endpoint until its next activation");
        }
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
            stopped = true;
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
        synchronized (this) {
            if (refreshTimer != null) {
                refreshTimer.cancel();
            }
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
