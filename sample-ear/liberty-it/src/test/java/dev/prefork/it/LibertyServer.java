package dev.prefork.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Open Liberty (the build unpacks the full runtime zip into target/), driven the way its operators do:
 * {@code bin/server start|stop} and edits of {@code server.xml} and {@code jvm.options}. Liberty watches
 * server.xml and applies a change by restarting what it affects (the application); system properties
 * in jvm.options apply at the next server start.
 */
final class LibertyServer implements AppServer {
    static final String APP = "prefork-sample";
    /** Liberty's id of the adapter inside the EAR: application.rar-module-without-.rar. */
    static final String ADAPTER = APP + ".prefork-connector";
    private static final Duration WAIT = Duration.ofMinutes(5);
    /** The .rar on its own: Liberty's id of it, and the application of the MDB jar bound to it. */
    static final String STANDALONE_ADAPTER = "prefork";
    static final String MDB_JAR_APP = "prefork-sample-ejb";
    /**
     * Each sample MDB with its message listener interface's simple name: the adapter offers two
     * (PreforkListener, PreforkDequeue), so Liberty names an activation spec's properties element after
     * the interface, properties.ADAPTER.INTERFACE (its metatype generator gives the bare name only to an
     * adapter with one listener type).
     */
    private static final Map<String, String> LISTENERS = Map.of("CalculatorBean", "PreforkDequeue", "EchoBean", "PreforkListener");
    private static final Pattern APP_STARTED = started(APP);
    private static final Pattern APP_STOPPED = stopped(APP);
    private static final Pattern APP_FAILED = failed(APP);

    private final Path wlp;
    private final Path javaHome;
    private final Path userDir;
    private final String serverName;
    private final int httpPort;
    private final Path ear;
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private final List<String> jvmOptions;
    private final Map<String, String> adapterProperties = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> activationSpecProperties = new LinkedHashMap<>();
    private boolean deployed;
    /** The .rar on its own in server.xml, and the MDB jar bound to it (Liberty's standalone form). */
    private boolean adapterAlone;
    private boolean mdbJar;
    private boolean restartNeeded;
    private long pid;
    /** Bytes of the log already seen when the last change was made: later messages are about it. */
    private int logMark;

    LibertyServer(Path wlp, Path javaHome, Path userDir, String serverName, int httpPort, Path ear,
                  List<String> jvmOptions, Map<String, String> systemProperties) {
        this.wlp = wlp;
        this.javaHome = javaHome;
        this.userDir = userDir;
        this.serverName = serverName;
        this.httpPort = httpPort;
        this.ear = ear;
        this.jvmOptions = jvmOptions;
        this.systemProperties.putAll(systemProperties);
    }

    @Override
    public String name() {
        return "Open Liberty on JDK " + SampleScenarios.featureVersion(javaHome);
    }

    @Override
    public Path javaHome() {
        return javaHome;
    }

    Path serverDir() {
        return userDir.resolve("servers").resolve(serverName);
    }

    private Map<String, String> environment() {
        return Map.of("JAVA_HOME", javaHome.toString(), "WLP_USER_DIR", userDir.toString());
    }

    @Override
    public void start() throws Exception {
        Files2.deleteTree(serverDir());
        Files.createDirectories(serverDir().resolve("apps"));
        Files.copy(ear, serverDir().resolve("apps/" + APP + ".ear"), StandardCopyOption.REPLACE_EXISTING);
        writeServerXml();
        boot();
    }

    private void boot() throws Exception {
        List<String> lines = new ArrayList<>(jvmOptions);
        systemProperties.forEach((k, v) -> lines.add("-D" + k + "=" + v));
        Files.write(serverDir().resolve("jvm.options"), lines);
        logMark = log().length();
        Command.check(wlp, environment(), WAIT, List.of(wlp.resolve("bin/server").toString(), "start", serverName));
        pid = Long.parseLong(Files.readString(userDir.resolve("servers/.pid/" + serverName + ".pid")).trim());
        awaitLog("the server to be ready", Pattern.compile("CWWKF0011I"), null);
        restartNeeded = false;
    }

    private void stopServer() throws Exception {
        Command.check(wlp, environment(), Duration.ofSeconds(120), List.of(wlp.resolve("bin/server").toString(), "stop", serverName));
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public void deploySample() throws Exception {
        deployed = true;
        if (restartNeeded) {
            // The new server.xml goes in before the start: a change written while the server boots can be
            // missed by its file monitor.
            stopServer();
            writeServerXml();
            boot();
            awaitLog("the application to start", APP_STARTED, APP_FAILED);
            return;
        }
        change("the application to start", APP_STARTED);
    }

    @Override
    public void undeploySample() throws Exception {
        deployed = false;
        change("the application to stop", APP_STOPPED);
    }

    @Override
    public void systemProperty(String key, String value) {
        if (value == null) {
            systemProperties.remove(key);
        } else {
            systemProperties.put(key, value);
        }
        restartNeeded = true; // jvm.options is read at server start
    }

    /** {@code <resourceAdapter>} properties of the embedded adapter, in server.xml: Liberty restarts the application. */
    @Override
    public void adapterProperty(String name, String value) throws Exception {
        adapterProperties.put(name, value);
        change("the application to restart", APP_STARTED);
    }

    /** {@code <activationSpec>} properties of one MDB, in server.xml: Liberty restarts the application. */
    void activationSpecProperty(String bean, String name, String value) throws Exception {
        activationSpecProperties.computeIfAbsent(bean, b -> new LinkedHashMap<>()).put(name, value);
        change("the application to restart", APP_STARTED);
    }

    /**
     * A {@code <resourceAdapter>} of its own in server.xml, the api jar inside the .rar: Liberty shows an
     * application a standalone adapter's classes only through {@code <classloader classProviderRef>}.
     */
    @Override
    public void deployAdapterAlone(Path deployments) throws Exception {
        StandaloneArchives.rarWithApi(deployments, serverDir().resolve("standalone"));
        adapterAlone = true;
        change("the adapter to be installed", adapterMessage("J2CA7001I"));
    }

    /** An {@code <ejbApplication>} whose class loader gets the adapter's classes, and an activation spec per MDB. */
    @Override
    public void deployMdbJar(Path deployments) throws Exception {
        StandaloneArchives.mdbJar(deployments, serverDir().resolve("standalone"), null, null);
        mdbJar = true;
        changeApp("the MDB jar to start", started(MDB_JAR_APP), failed(MDB_JAR_APP));
    }

    @Override
    public void undeployMdbJar() throws Exception {
        mdbJar = false;
        changeApp("the MDB jar to stop", stopped(MDB_JAR_APP), null);
    }

    @Override
    public void undeployAdapterAlone() throws Exception {
        adapterAlone = false;
        change("the adapter to be removed", adapterMessage("J2CA7009I"));
    }

    /** Liberty's message {@code id} about the standalone adapter (not about prefork-sample's adapter). */
    private static Pattern adapterMessage(String id) {
        return Pattern.compile(id + ": .*\\b" + STANDALONE_ADAPTER + "(?![-.\\w])");
    }

    private static Pattern started(String app) {
        return Pattern.compile("CWWKZ000[13]I: .*\\b" + app + "\\b");
    }

    private static Pattern stopped(String app) {
        return Pattern.compile("CWWKZ0009I: .*\\b" + app + "\\b");
    }

    private static Pattern failed(String app) {
        return Pattern.compile("CWWKZ00(02|04|05|06)E: .*\\b" + app + "\\b");
    }

    @Override
    public boolean endpointFailureFailsDeployment() {
        return false;
    }

    /** Rewrites server.xml and waits for Liberty to report {@code outcome} (or a failure of the sample) after it. */
    private void change(String what, Pattern outcome) throws Exception {
        changeApp(what, outcome, APP_FAILED);
    }

    private void changeApp(String what, Pattern outcome, Pattern failure) throws Exception {
        logMark = log().length();
        writeServerXml();
        awaitLog(what, outcome, failure);
    }

    private void awaitLog(String what, Pattern outcome, Pattern failure) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String news = log().substring(Math.min(logMark, log().length()));
            if (failure != null && failure.matcher(news).find()) {
                throw new IOException(name() + ": " + what + " failed:\n" + news);
            }
            if (outcome.matcher(news).find()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException(name() + ": timed out waiting for " + what);
    }

    String serverXml() {
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <server description="Prefork Connector integration tests">
                    <featureManager>
                        <feature>connectors-2.1</feature>
                        <feature>mdb-4.0</feature>
                    </featureManager>
                    <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="%d"/>
                    <!-- Work for the adapter runs on Liberty's default executor, which also runs the
                         server's own tasks (the config monitor among them). With handoff descriptor each
                         worker holds one of its threads for its life: with the default (4 core threads per
                         2 CPUs) the pools here (4 + 3 workers) starved it, and a server.xml change waited
                         minutes to be noticed. -->
                    <executor coreThreads="40"/>
                    <!-- Every start rolls messages.log over; log() reads them all, so keep them all. -->
                    <logging maxFiles="50"/>
                    <!-- Changes to this file apply within a fraction of a second. -->
                    <config monitorInterval="200ms"/>
                    <applicationMonitor updateTrigger="polled" pollingRate="200ms" dropinsEnabled="false"/>
                """.formatted(httpPort, httpPort + 1));
        if (deployed) {
            xml.append("    <enterpriseApplication id=\"").append(APP).append("\" name=\"").append(APP)
                    .append("\" location=\"").append(APP).append(".ear\">\n");
            // The embedded adapter's config properties (Liberty's id: application.module).
            xml.append("        <resourceAdapter id=\"prefork-connector\"><properties.").append(ADAPTER)
                    .append(attributes(adapterProperties)).append("/></resourceAdapter>\n");
            xml.append("    </enterpriseApplication>\n");
            // Liberty activates an MDB only with an activation spec named application/module/bean.
            for (String bean : List.of("CalculatorBean", "EchoBean")) {
                xml.append("    <activationSpec id=\"").append(APP).append("/prefork-sample-ejb/").append(bean)
                        .append("\"><properties.").append(ADAPTER).append('.').append(LISTENERS.get(bean))
                        .append(attributes(activationSpecProperties.getOrDefault(bean, Map.of()))).append("/></activationSpec>\n");
            }
        }
        if (adapterAlone) {
            xml.append("    <resourceAdapter id=\"").append(STANDALONE_ADAPTER)
                    .append("\" location=\"${server.config.dir}/standalone/prefork-connector.rar\"/>\n");
        }
        if (mdbJar) {
            xml.append("    <ejbApplication id=\"").append(MDB_JAR_APP).append("\" name=\"").append(MDB_JAR_APP)
                    .append("\" location=\"${server.config.dir}/standalone/prefork-sample-ejb.jar\">\n")
                    .append("        <classloader classProviderRef=\"").append(STANDALONE_ADAPTER).append("\"/>\n")
                    .append("    </ejbApplication>\n");
            // A module outside an EAR: Liberty names its activation specs module/bean (as its CNTR4015W says).
            for (String bean : List.of("CalculatorBean", "EchoBean")) {
                xml.append("    <activationSpec id=\"").append(MDB_JAR_APP).append('/').append(bean)
                        .append("\"><properties.").append(STANDALONE_ADAPTER).append('.').append(LISTENERS.get(bean))
                        .append("/></activationSpec>\n");
            }
        }
        return xml.append("</server>\n").toString();
    }

    private static String attributes(Map<String, String> properties) {
        StringBuilder s = new StringBuilder();
        properties.forEach((k, v) -> s.append(' ').append(k).append("=\"").append(v.replace("&", "&amp;").replace("\"", "&quot;")).append('"'));
        return s.toString();
    }

    private void writeServerXml() throws IOException {
        Path file = serverDir().resolve("server.xml");
        Path temp = serverDir().resolve("server.xml.new");
        Files.writeString(temp, serverXml());
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** messages.log and the ones rolled over at each restart, oldest first. */
    @Override
    public String log() throws IOException {
        Path logs = serverDir().resolve("logs");
        if (!Files.isDirectory(logs)) {
            return "";
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(logs)) {
            files = new ArrayList<>(list.filter(p -> p.getFileName().toString().matches("messages_.*\\.log"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList());
        }
        files.add(logs.resolve("messages.log"));
        StringBuilder all = new StringBuilder();
        for (Path f : files) {
            if (Files.exists(f)) {
                all.append(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }

    @Override
    public void close() {
        ServerStop.stopAndReap(name(), pid, this::stopServer);
    }
}
