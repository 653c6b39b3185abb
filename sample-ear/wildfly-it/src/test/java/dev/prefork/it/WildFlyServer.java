package dev.prefork.it;

import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.ModelControllerClientConfiguration;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * WildFly (the build unpacks it into target/ and prepares its standalone.xml), started with
 * {@code bin/standalone.sh} on a server base directory of its own (a fresh copy of the configuration each
 * run), driven through its management interface: the operations its CLI and console send
 * ({@code /system-property=...}, {@code /subsystem=resource-adapters/...}, {@code deploy}), plus
 * {@code jboss-cli.sh} itself for {@code module add}, which only the CLI has.
 */
final class WildFlyServer implements AppServer {
    static final String EAR = "prefork-sample.ear";
    static final String RAR = "prefork-connector.rar";
    static final String MDB_JAR = "prefork-sample-ejb.jar";
    /** The module that makes the api visible to the standalone .rar and to every application. */
    static final String API_MODULE = "dev.prefork.api";
    /** The adapter instance defined in the resource-adapters subsystem, which carries adapter-wide properties. */
    static final String CONFIGURED_ADAPTER = "prefork";
    /** Resolved in the sample's jboss-ejb3.xml: which adapter the MDBs are bound to. */
    static final String BINDING_PROPERTY = "prefork.resource-adapter";
    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final Pattern STARTED = Pattern.compile("WFLYSRV0025");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);

    private final Path home;
    private final Path javaHome;
    private final Path base;
    private final int portOffset;
    private final Path ear;
    private final List<String> jvmOptions;
    private Process launcher;
    private long pid;
    private ModelControllerClient client;

    WildFlyServer(Path home, Path javaHome, Path base, int portOffset, Path ear, List<String> jvmOptions) {
        this.home = home;
        this.javaHome = javaHome;
        this.base = base;
        this.portOffset = portOffset;
        this.ear = ear;
        this.jvmOptions = jvmOptions;
    }

    @Override
    public String name() {
        return "WildFly on JDK " + SampleScenarios.featureVersion(javaHome);
    }

    @Override
    public Path javaHome() {
        return javaHome;
    }

    int managementPort() {
        return 9990 + portOffset;
    }

    @Override
    public void start() throws Exception {
        Files2.deleteTree(base);
        // WildFly writes every management change (a deployment, a system property) into its configuration:
        // a copy per run, so that a run that failed half-way leaves nothing to the next.
        Files2.copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
        Files.createDirectories(base.resolve("deployments"));
        Path pidFile = base.resolve("wildfly.pid");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base, "-Djboss.socket.binding.port-offset=" + portOffset)
                .directory(base.toFile())
                .redirectErrorStream(true)
                .redirectOutput(base.resolve("console.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", javaHome.toString());
        env.put("JAVA_OPTS", String.join(" ", jvmOptions));
        // In the background the script writes the JVM's pid; it stays to relay signals and wait for it.
        env.put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        env.put("JBOSS_PIDFILE", pidFile.toString());
        launcher = builder.start();
        Await.until("standalone.sh to write " + pidFile, Duration.ofSeconds(60),
                () -> Files.isRegularFile(pidFile) && size(pidFile) > 0 || !launcher.isAlive(), () -> "no pid file");
        if (!launcher.isAlive() && !Files.isRegularFile(pidFile)) {
            throw new IOException("standalone.sh exited " + launcher.exitValue() + ":\n" + Files.readString(base.resolve("console.log")));
        }
        pid = Long.parseLong(Files.readString(pidFile).trim());
        awaitLog("WildFly to start", 0);
        client = managementClient();
    }

    /**
     * The management client (local authentication, as the CLI on the same machine). Connecting may take long
     * on a loaded machine: the client's default of 5 s timed out at load average 40.
     */
    private ModelControllerClient managementClient() {
        return ModelControllerClient.Factory.create(new ModelControllerClientConfiguration.Builder()
                .setProtocol("remote+http").setHostName("127.0.0.1").setPort(managementPort())
                .setConnectionTimeout((int) CONNECT_TIMEOUT.toMillis()).build());
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Waits for "started" (WFLYSRV0025) in the log after {@code mark}, failing at once if the server exits. */
    private void awaitLog(String what, int mark) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String log = log();
            if (STARTED.matcher(log.substring(Math.min(mark, log.length()))).find()) {
                return;
            }
            if (!ProcessTable.alive(pid)) {
                throw new IOException(name() + " exited waiting for " + what + ":\n" + Files.readString(base.resolve("console.log")));
            }
            Thread.sleep(100);
        }
        throw new IOException(name() + ": timed out waiting for " + what);
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public void deploySample() throws Exception {
        deploy(EAR, ear);
    }

    @Override
    public void undeploySample() throws Exception {
        undeploy(EAR);
    }

    /**
     * WildFly's undeploy waits for the MDB invocations in progress, and one connection is one invocation:
     * stop-delivery first deactivates the endpoints at once (the README's way).
     */
    @Override
    public void undeploySampleWithClientsConnected() throws Exception {
        for (String bean : List.of("CalculatorBean", "EchoBean")) {
            ModelNode address = Operations.createAddress("deployment", EAR, "subdeployment", MDB_JAR,
                    "subsystem", "ejb3", "message-driven-bean", bean);
            execute(Operations.createOperation("stop-delivery", address));
        }
        undeploySample();
    }

    @Override
    public boolean undeployWaitsForConnectedClients() {
        return true;
    }

    /** {@code deploy FILE} in the CLI: managed content, deployed at once; fails (and rolls back) when the server refuses it. */
    void deploy(String name, Path file) throws IOException {
        ModelNode add = Operations.createAddOperation(Operations.createAddress("deployment", name));
        ModelNode content = new ModelNode();
        content.get("url").set(file.toUri().toString());
        add.get("content").add(content);
        add.get("enabled").set(true);
        execute(add);
    }

    /** {@code undeploy NAME} in the CLI. */
    void undeploy(String name) throws IOException {
        ModelNode address = Operations.createAddress("deployment", name);
        execute(Operations.CompositeOperationBuilder.create()
                .addStep(Operations.createOperation("undeploy", address))
                .addStep(Operations.createRemoveOperation(address))
                .build().getOperation());
    }

    /** {@code /system-property=KEY:add(value=VALUE)}, or {@code :write-attribute} / {@code :remove}: applies at once. */
    @Override
    public void systemProperty(String key, String value) throws IOException {
        ModelNode address = Operations.createAddress("system-property", key);
        boolean exists = Operations.isSuccessfulOutcome(client.execute(Operations.createReadResourceOperation(address)));
        if (value == null) {
            if (exists) {
                execute(Operations.createRemoveOperation(address));
            }
        } else if (exists) {
            execute(Operations.createWriteAttributeOperation(address, "value", value));
        } else {
            ModelNode add = Operations.createAddOperation(address);
            add.get("value").set(value);
            execute(add);
        }
    }

    /**
     * The adapter's config properties are in the management model only for an adapter defined in the
     * resource-adapters subsystem: a second, configured instance of the EAR's adapter (archive
     * {@code ear#rar}) under its own id, to which the MDBs are bound; config properties apply at
     * {@code :reload}, which also redeploys the sample. The boot after it also activates the EchoBean of
     * the deployment that the suite's bad max_servers rolled back (WildFly keeps it for every resume), on
     * that deployment's stopped adapter instance: the adapter starts nothing for it, or its pool would take
     * the echo port from the live EchoBean and fail the boot.
     */
    @Override
    public void adapterProperty(String name, String value) throws Exception {
        ModelNode adapter = Operations.createAddress("subsystem", "resource-adapters", "resource-adapter", CONFIGURED_ADAPTER);
        if (!Operations.isSuccessfulOutcome(client.execute(Operations.createReadResourceOperation(adapter)))) {
            ModelNode add = Operations.createAddOperation(adapter);
            add.get("archive").set(EAR + "#" + RAR);
            execute(add);
        }
        ModelNode property = adapter.clone().add("config-properties", name);
        if (Operations.isSuccessfulOutcome(client.execute(Operations.createReadResourceOperation(property)))) {
            execute(Operations.createRemoveOperation(property));
        }
        ModelNode add = Operations.createAddOperation(property);
        add.get("value").set(value);
        execute(add);
        systemProperty(BINDING_PROPERTY, CONFIGURED_ADAPTER);
        int mark = log().length();
        reload();
        // WildFly's doing, not ours to assert (a later WildFly may stop activating dead components): shown.
        System.out.printf("[%s] the reloaded server activated an MDB on a stopped adapter instance: %s%n", name(),
                log().substring(Math.min(mark, log().length())).contains("not activated: this resource adapter instance was stopped"));
    }

    /** {@code :reload}: returns when the server has started again (and redeployed what it had). */
    void reload() throws Exception {
        int mark = log().length();
        execute(Operations.createOperation("reload"));
        client.close(); // its connection ends with the reload
        awaitLog("WildFly to reload", mark);
        client = managementClient();
    }

    /**
     * The README's standalone form: the api as a global module ({@code module add} in the CLI), the .rar
     * deployed as it is built (its own jboss-deployment-structure.xml), applications bound to it by name.
     */
    @Override
    public void deployAdapterAlone(Path deployments) throws Exception {
        cli(false, "module remove --name=" + API_MODULE); // left by a run that was killed
        cli(true, "module add --name=" + API_MODULE + " --resources=" + deployments.resolve("prefork-connector-api.jar"));
        execute(globalModules("list-add"));
        deploy(RAR, deployments.resolve(RAR));
    }

    @Override
    public void deployMdbJar(Path deployments) throws Exception {
        systemProperty(BINDING_PROPERTY, RAR);
        deploy(MDB_JAR, deployments.resolve(MDB_JAR));
    }

    @Override
    public void undeployMdbJar() throws Exception {
        undeploy(MDB_JAR);
    }

    @Override
    public void undeployAdapterAlone() throws Exception {
        undeploy(RAR);
        execute(globalModules("list-remove"));
        cli(true, "module remove --name=" + API_MODULE);
    }

    private static ModelNode globalModules(String operation) {
        ModelNode op = Operations.createOperation(operation, Operations.createAddress("subsystem", "ee"));
        op.get("name").set("global-modules");
        op.get("value").get("name").set(API_MODULE);
        return op;
    }

    /** One command of {@code jboss-cli.sh}, not connected (module add/remove work on the server's files). */
    private void cli(boolean check, String command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(home.resolve("bin/jboss-cli.sh").toString(), "--command=" + command));
        Command.Result result = Command.run(home, Map.of("JAVA_HOME", javaHome.toString()), WAIT, line);
        if (check && !result.ok()) {
            throw new IOException("exit " + result.exitCode() + " from jboss-cli.sh " + command + ":\n" + result.output());
        }
    }

    ModelNode execute(ModelNode operation) throws IOException {
        ModelNode result = client.execute(operation);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new IOException(name() + ": " + operation.get("operation").asString() + " on "
                    + operation.get("address").asString() + " failed: " + Operations.getFailureDescription(result).asString());
        }
        return Operations.readResult(result);
    }

    @Override
    public String log() throws IOException {
        Path log = base.resolve("log/server.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** {@code :shutdown} (WildFly suspends first, which deactivates the endpoints at once). */
    @Override
    public void close() {
        ServerStop.stopAndReap(name(), pid, () -> {
            if (client == null) { // never became ready: SIGTERM, which WildFly takes as a shutdown
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
                return;
            }
            try {
                execute(Operations.createOperation("shutdown"));
            } finally {
                client.close();
            }
        });
        if (launcher != null) {
            launcher.destroyForcibly();
        }
    }
}
