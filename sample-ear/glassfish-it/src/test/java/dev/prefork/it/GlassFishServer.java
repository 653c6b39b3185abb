package dev.prefork.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GlassFish 8 (the build unpacks it into target/), driven with asadmin only. Each run gets a fresh domain,
 * copied from a template domain the first run creates ({@code create-domain --portbase}: admin on
 * portbase + 48), with the test settings added to its JVM options.
 */
final class GlassFishServer implements AppServer {
    static final String APP = "prefork-sample";
    /** The id GlassFish gives the adapter inside the EAR: application#rar-module-without-.rar. */
    static final String ADAPTER = APP + "#prefork-connector";
    private static final Duration ASADMIN_TIMEOUT = Duration.ofMinutes(5);
    /** The standalone adapter's name (GlassFish's id of it). */
    static final String STANDALONE_ADAPTER = "prefork-connector";
    static final String MDB_JAR_APP = "prefork-sample-ejb";
    /** Binds both sample MDBs to the standalone adapter (GlassFish's id of it: the .rar's name). */
    static final String GLASSFISH_EJB_JAR_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE glassfish-ejb-jar PUBLIC "-//GlassFish.org//DTD GlassFish Application Server 3.1 EJB 3.1//EN" "http://glassfish.org/dtds/glassfish-ejb-jar_3_1-1.dtd">
            <glassfish-ejb-jar>
              <enterprise-beans>
                <ejb>
                  <ejb-name>CalculatorBean</ejb-name>
                  <mdb-resource-adapter><resource-adapter-mid>prefork-connector</resource-adapter-mid></mdb-resource-adapter>
                </ejb>
                <ejb>
                  <ejb-name>EchoBean</ejb-name>
                  <mdb-resource-adapter><resource-adapter-mid>prefork-connector</resource-adapter-mid></mdb-resource-adapter>
                </ejb>
              </enterprise-beans>
            </glassfish-ejb-jar>
            """;

    private final Path home;
    private final Path javaHome;
    private final Path domains;
    private final String domain;
    private final int portBase;
    private final Path ear;
    private final List<String> jvmOptions;
    private long pid;

    GlassFishServer(Path home, Path javaHome, Path domains, String domain, int portBase, Path ear, List<String> jvmOptions) {
        this.home = home;
        this.javaHome = javaHome;
        this.domains = domains;
        this.domain = domain;
        this.portBase = portBase;
        this.ear = ear;
        this.jvmOptions = jvmOptions;
    }

    @Override
    public String name() {
        return "GlassFish on JDK " + SampleScenarios.featureVersion(javaHome);
    }

    @Override
    public Path javaHome() {
        return javaHome;
    }

    int adminPort() {
        return portBase + 48;
    }

    Path domainDir() {
        return domains.resolve(domain);
    }

    /** asadmin against this domain's admin port, failing unless it exits 0. */
    String asadmin(String... args) throws IOException, InterruptedException {
        return Command.check(home, Map.of("AS_JAVA", javaHome.toString(), "AS_START_TIMEOUT", "300000"), ASADMIN_TIMEOUT,
                asadminCommand(true, args));
    }

    Command.Result tryAsadmin(String... args) throws IOException, InterruptedException {
        return Command.run(home, Map.of("AS_JAVA", javaHome.toString()), ASADMIN_TIMEOUT, asadminCommand(true, args));
    }

    private List<String> asadminCommand(boolean remote, String... args) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/asadmin").toString(), "--interactive=false"));
        if (remote) {
            command.addAll(List.of("--host", "127.0.0.1", "--port", Integer.toString(adminPort())));
        }
        command.addAll(List.of(args));
        return command;
    }

    @Override
    public void start() throws Exception {
        Path template = domains.resolve("template-" + portBase);
        if (!Files.isRegularFile(template.resolve("config/domain.xml"))) {
            Files2.deleteTree(template);
            Command.check(home, Map.of("AS_JAVA", javaHome.toString()), ASADMIN_TIMEOUT, asadminCommand(false,
                    "create-domain", "--domaindir", domains.toString(), "--nopassword", "--checkports=false",
                    "--portbase", Integer.toString(portBase), template.getFileName().toString()));
        }
        Files2.deleteTree(domainDir());
        Files2.copyTree(template, domainDir());
        Path domainXml = domainDir().resolve("config/domain.xml");
        String xml = Files.readString(domainXml);
        StringBuilder options = new StringBuilder();
        for (String option : jvmOptions) {
            options.append("        <jvm-options>").append(option.replace("&", "&amp;").replace("<", "&lt;")).append("</jvm-options>\n");
        }
        int end = xml.indexOf("      </java-config>"); // the first is server-config's
        Files.writeString(domainXml, xml.substring(0, end) + options + xml.substring(end));

        Command.check(home, Map.of("AS_JAVA", javaHome.toString(), "AS_START_TIMEOUT", "300000"), ASADMIN_TIMEOUT,
                asadminCommand(false, "start-domain", "--domaindir", domains.toString(), domain));
        pid = Long.parseLong(Files.readString(domainDir().resolve("config/pid")).trim());
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public void deploySample() throws Exception {
        asadmin("deploy", "--name", APP, ear.toString());
    }

    @Override
    public void undeploySample() throws Exception {
        asadmin("undeploy", APP);
    }

    @Override
    public void systemProperty(String key, String value) throws Exception {
        if (value == null) {
            asadmin("delete-system-property", key);
        } else {
            // asadmin separates name=value pairs with ':'; a literal one is written '\:'.
            asadmin("create-system-properties", key + "=" + value.replace(":", "\\:"));
        }
    }

    /**
     * Resources › Resource Adapter Configs in the console, {@code create-resource-adapter-config} here.
     * Created under the running EAR-embedded adapter, the config leaves that adapter stopped (the
     * endpoints keep running, but the next activation finds no adapter); what works is undeploy, create
     * (or delete and create again), deploy.
     */
    @Override
    public void adapterProperty(String name, String value) throws Exception {
        undeploySample();
        tryAsadmin("delete-resource-adapter-config", ADAPTER);
        asadmin("create-resource-adapter-config", "--property", name + "=" + value.replace(":", "\\:"), ADAPTER);
        deploySample();
    }

    /**
     * GlassFish lets an application see a standalone adapter's classes only when it refers to the adapter:
     * the MDB jar names it in glassfish-ejb-jar.xml ({@code resource-adapter-mid}), which binds the MDBs
     * explicitly too; the api jar goes inside the .rar. (Measured: without the descriptor the MDB jar fails
     * with NoClassDefFoundError: dev/prefork/api/PreforkListener.)
     */
    @Override
    public void deployAdapterAlone(Path deployments) throws Exception {
        Path rar = StandaloneArchives.rarWithApi(deployments, domainDir().resolve("standalone"));
        asadmin("deploy", "--name", STANDALONE_ADAPTER, rar.toString());
    }

    @Override
    public void deployMdbJar(Path deployments) throws Exception {
        Path jar = StandaloneArchives.mdbJar(deployments, domainDir().resolve("standalone"),
                "META-INF/glassfish-ejb-jar.xml", GLASSFISH_EJB_JAR_XML);
        asadmin("deploy", "--name", MDB_JAR_APP, jar.toString());
    }

    @Override
    public void undeployMdbJar() throws Exception {
        asadmin("undeploy", MDB_JAR_APP);
    }

    @Override
    public void undeployAdapterAlone() throws Exception {
        asadmin("undeploy", STANDALONE_ADAPTER);
    }

    @Override
    public String log() throws IOException {
        return Files.readString(domainDir().resolve("logs/server.log"), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        ServerStop.stopAndReap(name(), pid, () -> {
            Command.Result stop = Command.run(home, Map.of("AS_JAVA", javaHome.toString()), Duration.ofSeconds(90),
                    asadminCommand(false, "stop-domain", "--domaindir", domains.toString(), domain));
            if (!stop.ok()) {
                throw new IOException("stop-domain: " + stop.output());
            }
        });
    }
}
