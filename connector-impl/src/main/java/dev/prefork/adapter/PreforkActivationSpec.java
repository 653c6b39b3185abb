package dev.prefork.adapter;

import dev.prefork.api.PreforkDequeue;
import dev.prefork.api.PreforkListener;
import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Settings;
import dev.prefork.engine.config.SettingLayer;
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
 * <p>Every engine setting declared settable from the activation config is a property under its
 * Net::Server name ({@code max_servers}, {@code max_requests}, {@code check_for_dead}, ...); the settings
 * that had one before keep a camelCase alias ({@code maxServers}, ...), and giving both with different
 * values is an error. {@code name} names the endpoint in logs, process listings and its MicroProfile
 * Config keys ({@code prefork.<name>.<key>}); it defaults to the MDB's class name.
 *
 * <p>Unset properties fall back as {@link SettingsResolver} describes. All values are text and are
 * checked by {@link #validate()}, whose messages name the property.
 */
// Two listener types, one spec: an MDB that implements PreforkDequeue is bound under it, so that the
// container's endpoint proxy has runDequeue() as well as processRequest().
@Activation(messageListeners = {PreforkListener.class, PreforkDequeue.class})
public class PreforkActivationSpec implements ActivationSpec {
    private final SettingValues values = new SettingValues(SettingLayer.ACTIVATION_CONFIG);
    private ResourceAdapter resourceAdapter;

    // One getter and setter per property, each delegating to the store by its property name: the
    // settings are declared in dev.prefork.engine.config.Settings. The Net::Server names are what every
    // server takes; the camelCase aliases are kept for the settings that had them (see the README).

    public void setPort(String value) { values.set("port", value); }
    public String getPort() { return values.get("port"); }

    public void setHost(String value) { values.set("host", value); }
    public String getHost() { return values.get("host"); }

    public void setMax_servers(String value) { values.set("max_servers", value); }
    public String getMax_servers() { return values.get("max_servers"); }
    public void setMaxServers(String value) { values.set("maxServers", value); }
    public String getMaxServers() { return values.get("maxServers"); }

    public void setMax_requests(String value) { values.set("max_requests", value); }
    public String getMax_requests() { return values.get("max_requests"); }
    public void setMaxRequests(String value) { values.set("maxRequests", value); }
    public String getMaxRequests() { return values.get("maxRequests"); }

    public void setMax_requests_jitter(String value) { values.set("max_requests_jitter", value); }
    public String getMax_requests_jitter() { return values.get("max_requests_jitter"); }
    public void setMaxRequestsJitter(String value) { values.set("maxRequestsJitter", value); }
    public String getMaxRequestsJitter() { return values.get("maxRequestsJitter"); }

    public void setSerialize(String value) { values.set("serialize", value); }
    public String getSerialize() { return values.get("serialize"); }

    public void setHandoff(String value) { values.set("handoff", value); }
    public String getHandoff() { return values.get("handoff"); }

    public void setDescriptor_transfer(String value) { values.set("descriptor_transfer", value); }
    public String getDescriptor_transfer() { return values.get("descriptor_transfer"); }

    public void setLock_file(String value) { values.set("lock_file", value); }
    public String getLock_file() { return values.get("lock_file"); }
    public void setLockFile(String value) { values.set("lockFile", value); }
    public String getLockFile() { return values.get("lockFile"); }

    public void setCheck_for_dead(String value) { values.set("check_for_dead", value); }
    public String getCheck_for_dead() { return values.get("check_for_dead"); }
    public void setCheckForDead(String value) { values.set("checkForDead", value); }
    public String getCheckForDead() { return values.get("checkForDead"); }

    public void setListen(String value) { values.set("listen", value); }
    public String getListen() { return values.get("listen"); }

    public void setGraceful_shutdown_timeout(String value) { values.set("graceful_shutdown_timeout", value); }
    public String getGraceful_shutdown_timeout() { return values.get("graceful_shutdown_timeout"); }
    public void setGracefulShutdownTimeout(String value) { values.set("gracefulShutdownTimeout", value); }
    public String getGracefulShutdownTimeout() { return values.get("gracefulShutdownTimeout"); }

    public void setJava_home(String value) { values.set("java_home", value); }
    public String getJava_home() { return values.get("java_home"); }
    public void setJavaHome(String value) { values.set("javaHome", value); }
    public String getJavaHome() { return values.get("javaHome"); }

    public void setWorker_jvm_options(String value) { values.set("worker_jvm_options", value); }
    public String getWorker_jvm_options() { return values.get("worker_jvm_options"); }
    public void setWorkerJvmOptions(String value) { values.set("workerJvmOptions", value); }
    public String getWorkerJvmOptions() { return values.get("workerJvmOptions"); }

    public void setWorker_cds(String value) { values.set("worker_cds", value); }
    public String getWorker_cds() { return values.get("worker_cds"); }
    public void setWorkerCds(String value) { values.set("workerCds", value); }
    public String getWorkerCds() { return values.get("workerCds"); }

    public void setRuntime_dir(String value) { values.set("runtime_dir", value); }
    public String getRuntime_dir() { return values.get("runtime_dir"); }
    public void setRuntimeDir(String value) { values.set("runtimeDir", value); }
    public String getRuntimeDir() { return values.get("runtimeDir"); }

    public void setMax_worker_rss(String value) { values.set("max_worker_rss", value); }
    public String getMax_worker_rss() { return values.get("max_worker_rss"); }

    public void setMax_worker_age(String value) { values.set("max_worker_age", value); }
    public String getMax_worker_age() { return values.get("max_worker_age"); }

    public void setMax_starting(String value) { values.set("max_starting", value); }
    public String getMax_starting() { return values.get("max_starting"); }

    public void setWorker_boot_timeout(String value) { values.set("worker_boot_timeout", value); }
    public String getWorker_boot_timeout() { return values.get("worker_boot_timeout"); }

    public void setIdle_timeout(String value) { values.set("idle_timeout", value); }
    public String getIdle_timeout() { return values.get("idle_timeout"); }

    public void setRequest_timeout(String value) { values.set("request_timeout", value); }
    public String getRequest_timeout() { return values.get("request_timeout"); }

    public void setSlow_threshold(String value) { values.set("slow_threshold", value); }
    public String getSlow_threshold() { return values.get("slow_threshold"); }

    public void setMax_clients(String value) { values.set("max_clients", value); }
    public String getMax_clients() { return values.get("max_clients"); }

    public void setDeliver_on(String value) { values.set("deliver_on", value); }
    public String getDeliver_on() { return values.get("deliver_on"); }

    public void setFirst_byte_timeout(String value) { values.set("first_byte_timeout", value); }
    public String getFirst_byte_timeout() { return values.get("first_byte_timeout"); }

    public void setMax_wait(String value) { values.set("max_wait", value); }
    public String getMax_wait() { return values.get("max_wait"); }

    public void setAllow(String value) { values.set("allow", value); }
    public String getAllow() { return values.get("allow"); }

    public void setDeny(String value) { values.set("deny", value); }
    public String getDeny() { return values.get("deny"); }

    public void setCidr_allow(String value) { values.set("cidr_allow", value); }
    public String getCidr_allow() { return values.get("cidr_allow"); }

    public void setCidr_deny(String value) { values.set("cidr_deny", value); }
    public String getCidr_deny() { return values.get("cidr_deny"); }

    public void setClients(String value) { values.set("clients", value); }
    public String getClients() { return values.get("clients"); }

    public void setDeny_message(String value) { values.set("deny_message", value); }
    public String getDeny_message() { return values.get("deny_message"); }

    public void setBusy_message(String value) { values.set("busy_message", value); }
    public String getBusy_message() { return values.get("busy_message"); }

    public void setStatus_port(String value) { values.set("status_port", value); }
    public String getStatus_port() { return values.get("status_port"); }

    public void setAgent_port(String value) { values.set("agent_port", value); }
    public String getAgent_port() { return values.get("agent_port"); }

    public void setConfig_refresh(String value) { values.set("config_refresh", value); }
    public String getConfig_refresh() { return values.get("config_refresh"); }

    public void setProxy_protocol(String value) { values.set("proxy_protocol", value); }
    public String getProxy_protocol() { return values.get("proxy_protocol"); }

    public void setProxy_allow(String value) { values.set("proxy_allow", value); }
    public String getProxy_allow() { return values.get("proxy_allow"); }

    public void setDrain_timeout(String value) { values.set("drain_timeout", value); }
    public String getDrain_timeout() { return values.get("drain_timeout"); }

    public void setCheck_for_dequeue(String value) { values.set("check_for_dequeue", value); }
    public String getCheck_for_dequeue() { return values.get("check_for_dequeue"); }

    public void setMax_dequeue(String value) { values.set("max_dequeue", value); }
    public String getMax_dequeue() { return values.get("max_dequeue"); }

    public void setName(String value) { values.set("name", value); }
    public String getName() { return values.get("name"); }

    /** The settings given on this spec, by canonical key. */
    Map<String, String> settings() {
        return values.asMap();
    }

    /** The store behind the properties, with the name each value arrived under. */
    SettingValues values() {
        return values;
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
                    // The value on its own: rules between settings (proxy_protocol needs proxy_allow) are
                    // checked once every layer is merged, since another layer may give the other setting
                    // (the operator's MicroProfile Config names this environment's balancers).
                    Settings.byKey(key).parse(setting.getValue());
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
