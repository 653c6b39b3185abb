package dev.prefork.adapter;

import dev.prefork.api.PreforkListener;
import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;

import java.beans.IntrospectionException;
import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of one message-driven bean endpoint, given as activation config properties:
 *
 * <pre>{@code
 * @MessageDriven(activationConfig = {
 *     @ActivationConfigProperty(propertyName = "name", propertyValue = "calculator"),
 *     @ActivationConfigProperty(propertyName = "port", propertyValue = "127.0.0.1:20204"),
 *     @ActivationConfigProperty(propertyName = "max_servers", propertyValue = "4")
 * })
 * }</pre>
 *
 * <p>Every engine setting is a property under its Net::Server name ({@code max_servers},
 * {@code max_requests}, {@code check_for_dead}, ...) and under a camelCase alias ({@code maxServers},
 * ...) for tools that accept only Java bean names; giving both with different values is an error.
 * {@code name} names the endpoint in logs, process listings and its MicroProfile Config keys
 * ({@code prefork.<name>.<key>}); it defaults to the MDB's class name.
 *
 * <p>Unset properties fall back as {@link SettingsResolver} describes. All values are text and are
 * checked by {@link #validate()}, whose messages name the property.
 */
@Activation(messageListeners = PreforkListener.class)
public class PreforkActivationSpec implements ActivationSpec {
    private final SettingValues values = new SettingValues();
    private ResourceAdapter resourceAdapter;

    public String getPort() {
        return values.get(EngineConfig.PORT);
    }

    public void setPort(String value) {
        values.set(EngineConfig.PORT, "port", value);
    }

    public String getHost() {
        return values.get(EngineConfig.HOST);
    }

    public void setHost(String value) {
        values.set(EngineConfig.HOST, "host", value);
    }

    public String getMax_servers() {
        return values.get(EngineConfig.MAX_SERVERS);
    }

    public void setMax_servers(String value) {
        values.set(EngineConfig.MAX_SERVERS, "max_servers", value);
    }

    /** Alias of {@code max_servers}. */
    public String getMaxServers() {
        return values.get(EngineConfig.MAX_SERVERS);
    }

    /** Alias of {@code max_servers}. */
    public void setMaxServers(String value) {
        values.set(EngineConfig.MAX_SERVERS, "maxServers", value);
    }

    public String getMax_requests() {
        return values.get(EngineConfig.MAX_REQUESTS);
    }

    public void setMax_requests(String value) {
        values.set(EngineConfig.MAX_REQUESTS, "max_requests", value);
    }

    /** Alias of {@code max_requests}. */
    public String getMaxRequests() {
        return values.get(EngineConfig.MAX_REQUESTS);
    }

    /** Alias of {@code max_requests}. */
    public void setMaxRequests(String value) {
        values.set(EngineConfig.MAX_REQUESTS, "maxRequests", value);
    }

    public String getSerialize() {
        return values.get(EngineConfig.SERIALIZE);
    }

    public void setSerialize(String value) {
        values.set(EngineConfig.SERIALIZE, "serialize", value);
    }

    public String getHandoff() {
        return values.get(EngineConfig.HANDOFF);
    }

    public void setHandoff(String value) {
        values.set(EngineConfig.HANDOFF, "handoff", value);
    }

    public String getLock_file() {
        return values.get(EngineConfig.LOCK_FILE);
    }

    public void setLock_file(String value) {
        values.set(EngineConfig.LOCK_FILE, "lock_file", value);
    }

    /** Alias of {@code lock_file}. */
    public String getLockFile() {
        return values.get(EngineConfig.LOCK_FILE);
    }

    /** Alias of {@code lock_file}. */
    public void setLockFile(String value) {
        values.set(EngineConfig.LOCK_FILE, "lockFile", value);
    }

    public String getCheck_for_dead() {
        return values.get(EngineConfig.CHECK_FOR_DEAD);
    }

    public void setCheck_for_dead(String value) {
        values.set(EngineConfig.CHECK_FOR_DEAD, "check_for_dead", value);
    }

    /** Alias of {@code check_for_dead}. */
    public String getCheckForDead() {
        return values.get(EngineConfig.CHECK_FOR_DEAD);
    }

    /** Alias of {@code check_for_dead}. */
    public void setCheckForDead(String value) {
        values.set(EngineConfig.CHECK_FOR_DEAD, "checkForDead", value);
    }

    public String getListen() {
        return values.get(EngineConfig.LISTEN);
    }

    public void setListen(String value) {
        values.set(EngineConfig.LISTEN, "listen", value);
    }

    public String getGraceful_shutdown_timeout() {
        return values.get(EngineConfig.GRACEFUL_SHUTDOWN_TIMEOUT);
    }

    public void setGraceful_shutdown_timeout(String value) {
        values.set(EngineConfig.GRACEFUL_SHUTDOWN_TIMEOUT, "graceful_shutdown_timeout", value);
    }

    /** Alias of {@code graceful_shutdown_timeout}. */
    public String getGracefulShutdownTimeout() {
        return values.get(EngineConfig.GRACEFUL_SHUTDOWN_TIMEOUT);
    }

    /** Alias of {@code graceful_shutdown_timeout}. */
    public void setGracefulShutdownTimeout(String value) {
        values.set(EngineConfig.GRACEFUL_SHUTDOWN_TIMEOUT, "gracefulShutdownTimeout", value);
    }

    public String getJava_home() {
        return values.get(EngineConfig.JAVA_HOME);
    }

    public void setJava_home(String value) {
        values.set(EngineConfig.JAVA_HOME, "java_home", value);
    }

    /** Alias of {@code java_home}. */
    public String getJavaHome() {
        return values.get(EngineConfig.JAVA_HOME);
    }

    /** Alias of {@code java_home}. */
    public void setJavaHome(String value) {
        values.set(EngineConfig.JAVA_HOME, "javaHome", value);
    }

    public String getWorker_jvm_options() {
        return values.get(EngineConfig.WORKER_JVM_OPTIONS);
    }

    public void setWorker_jvm_options(String value) {
        values.set(EngineConfig.WORKER_JVM_OPTIONS, "worker_jvm_options", value);
    }

    /** Alias of {@code worker_jvm_options}. */
    public String getWorkerJvmOptions() {
        return values.get(EngineConfig.WORKER_JVM_OPTIONS);
    }

    /** Alias of {@code worker_jvm_options}. */
    public void setWorkerJvmOptions(String value) {
        values.set(EngineConfig.WORKER_JVM_OPTIONS, "workerJvmOptions", value);
    }

    public String getRuntime_dir() {
        return values.get(EngineConfig.RUNTIME_DIR);
    }

    public void setRuntime_dir(String value) {
        values.set(EngineConfig.RUNTIME_DIR, "runtime_dir", value);
    }

    /** Alias of {@code runtime_dir}. */
    public String getRuntimeDir() {
        return values.get(EngineConfig.RUNTIME_DIR);
    }

    /** Alias of {@code runtime_dir}. */
    public void setRuntimeDir(String value) {
        values.set(EngineConfig.RUNTIME_DIR, "runtimeDir", value);
    }

    public String getStatus_port() {
        return values.get(EngineConfig.STATUS_PORT);
    }

    public void setStatus_port(String value) {
        values.set(EngineConfig.STATUS_PORT, "status_port", value);
    }

    /** Alias of {@code status_port}. */
    public String getStatusPort() {
        return values.get(EngineConfig.STATUS_PORT);
    }

    /** Alias of {@code status_port}. */
    public void setStatusPort(String value) {
        values.set(EngineConfig.STATUS_PORT, "statusPort", value);
    }

    public String getAgent_port() {
        return values.get(EngineConfig.AGENT_PORT);
    }

    public void setAgent_port(String value) {
        values.set(EngineConfig.AGENT_PORT, "agent_port", value);
    }

    /** Alias of {@code agent_port}. */
    public String getAgentPort() {
        return values.get(EngineConfig.AGENT_PORT);
    }

    /** Alias of {@code agent_port}. */
    public void setAgentPort(String value) {
        values.set(EngineConfig.AGENT_PORT, "agentPort", value);
    }

    public String getConfig_refresh() {
        return values.get(EngineConfig.CONFIG_REFRESH);
    }

    public void setConfig_refresh(String value) {
        values.set(EngineConfig.CONFIG_REFRESH, "config_refresh", value);
    }

    /** Alias of {@code config_refresh}. */
    public String getConfigRefresh() {
        return values.get(EngineConfig.CONFIG_REFRESH);
    }

    /** Alias of {@code config_refresh}. */
    public void setConfigRefresh(String value) {
        values.set(EngineConfig.CONFIG_REFRESH, "configRefresh", value);
    }

    public String getName() {
        return values.get(EngineConfig.NAME);
    }

    public void setName(String value) {
        values.set(EngineConfig.NAME, "name", value);
    }

    public String getWorker_cds() {
        return values.get(EngineConfig.WORKER_CDS);
    }

    public void setWorker_cds(String value) {
        values.set(EngineConfig.WORKER_CDS, "worker_cds", value);
    }

    /** Alias of {@code worker_cds}. */
    public String getWorkerCds() {
        return values.get(EngineConfig.WORKER_CDS);
    }

    /** Alias of {@code worker_cds}. */
    public void setWorkerCds(String value) {
        values.set(EngineConfig.WORKER_CDS, "workerCds", value);
    }

    public String getMax_requests_jitter() {
        return values.get(EngineConfig.MAX_REQUESTS_JITTER);
    }

    public void setMax_requests_jitter(String value) {
        values.set(EngineConfig.MAX_REQUESTS_JITTER, "max_requests_jitter", value);
    }

    /** Alias of {@code max_requests_jitter}. */
    public String getMaxRequestsJitter() {
        return values.get(EngineConfig.MAX_REQUESTS_JITTER);
    }

    /** Alias of {@code max_requests_jitter}. */
    public void setMaxRequestsJitter(String value) {
        values.set(EngineConfig.MAX_REQUESTS_JITTER, "maxRequestsJitter", value);
    }

    /** The settings given on this spec, by canonical key. */
    Map<String, String> settings() {
        return values.asMap();
    }

    /**
     * Checks every property given on this spec on its own (the endpoint's full settings, with the other
     * layers, are checked again at activation).
     *
     * @throws InvalidPropertyException naming the property, its value and what is allowed
     */
    @Override
    public void validate() throws InvalidPropertyException {
        List<String> problems = new ArrayList<>();
        List<PropertyDescriptor> invalid = new ArrayList<>();
        values.conflicts().forEach((key, both) -> {
            problems.add(key + " is given twice with different values: " + both);
            invalid.add(descriptor(values.propertyName(key)));
        });
        for (Map.Entry<String, String> setting : values.asMap().entrySet()) {
            String key = setting.getKey();
            String property = values.propertyName(key);
            try {
                if (key.equals(EngineConfig.PORT)) {
                    EngineConfig.fromMap(Map.of(key, setting.getValue(), EngineConfig.HOST,
                            values.asMap().getOrDefault(EngineConfig.HOST, "*")));
                } else {
                    EngineConfig.fromMap(Map.of(key, setting.getValue()));
                }
            } catch (ConfigException e) {
                String message = e.getMessage();
                problems.add(property.equals(key) ? message : property + " (" + message + ")");
                invalid.add(descriptor(property));
            }
        }
        if (!problems.isEmpty()) {
            InvalidPropertyException e = new InvalidPropertyException(
                    "Prefork Connector activation config: " + String.join("; ", problems));
            e.setInvalidPropertyDescriptors(invalid.stream().filter(Objects::nonNull).toArray(PropertyDescriptor[]::new));
            throw e;
        }
    }

    private PropertyDescriptor descriptor(String property) {
        try {
            return new PropertyDescriptor(property, PreforkActivationSpec.class);
        } catch (IntrospectionException e) {
            return null;
        }
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter resourceAdapter) throws ResourceException {
        this.resourceAdapter = resourceAdapter;
    }

    @Override
    public String toString() {
        return "PreforkActivationSpec" + values.asMap();
    }
}
