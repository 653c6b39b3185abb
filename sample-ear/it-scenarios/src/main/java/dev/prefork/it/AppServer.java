package dev.prefork.it;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One application server under test, driven only through its own admin tools (asadmin, server.xml, ...),
 * the way an operator drives it. {@link SampleScenarios} runs the same scenarios against each.
 *
 * <p>Implementations must leave nothing behind: {@link #close()} stops the server and kills every process
 * it left (supervisors, workers), even after a failed test.
 */
public interface AppServer extends AutoCloseable {

    /** A name for messages, e.g. "GlassFish 8.0.0 on JDK 25". */
    String name();

    /** The JDK the server runs on. */
    Path javaHome();

    /** Boots the server with the test settings (ports, prefork.* system properties); returns when it is ready. */
    void start() throws Exception;

    /** The server's JVM. */
    long pid();

    /** Deploys the sample EAR; returns when its MDBs are activated. Throws when the server refuses it. */
    void deploySample() throws Exception;

    /** Undeploys the sample EAR; returns when the server says it is gone. */
    void undeploySample() throws Exception;

    /**
     * Undeploys the sample EAR the way this server's documentation says to while clients are connected.
     * Where a plain undeploy does not wait for them (GlassFish, Liberty), that is {@link #undeploySample()}.
     */
    default void undeploySampleWithClientsConnected() throws Exception {
        undeploySample();
    }

    /**
     * True where a plain undeploy first waits for the MDB invocations in progress (WildFly): one connection
     * is one invocation, so it waits until a new client arrives, is refused and so tells the adapter to stop.
     */
    default boolean undeployWaitsForConnectedClients() {
        return false;
    }

    /**
     * Deploys {@code prefork-connector.rar} on its own (shared by applications), the way this server's
     * README section says. {@code deployments} holds the build's archives: {@code prefork-connector.rar},
     * {@code prefork-connector-api.jar}, {@code prefork-sample-ejb.jar}.
     */
    void deployAdapterAlone(Path deployments) throws Exception;

    /** Deploys the sample's MDBs as an EJB jar of their own, bound to the adapter of {@link #deployAdapterAlone}. */
    void deployMdbJar(Path deployments) throws Exception;

    /** Undeploys the MDB jar of {@link #deployMdbJar}. */
    void undeployMdbJar() throws Exception;

    /** Undeploys the adapter of {@link #deployAdapterAlone} (and whatever the server needed for it). */
    void undeployAdapterAlone() throws Exception;

    /**
     * Sets a Java system property through the server's admin tool ({@code value} null removes it). It
     * applies at the next {@link #deploySample()} (which restarts the server first where the server only
     * reads system properties at boot).
     */
    void systemProperty(String key, String value) throws Exception;

    /**
     * Sets one of the adapter's own config properties (adapter-wide) the way this server's console does,
     * with the sample deployed before and after: returns when the sample's endpoints run again.
     */
    void adapterProperty(String name, String value) throws Exception;

    /** False where a failing endpoint activation leaves the application running without that MDB. */
    default boolean endpointFailureFailsDeployment() {
        return true;
    }

    /** Everything the server logged since {@link #start()}. */
    String log() throws IOException;

    /** Stops the server (by its own tool, then by force) and kills every process it left. */
    @Override
    void close();
}
