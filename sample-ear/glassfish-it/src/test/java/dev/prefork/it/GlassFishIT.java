package dev.prefork.it;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared scenarios on GlassFish 8 (JDK 21+, so on the build's JDK 25: descriptors are passed), driven
 * with asadmin. Ports: portbase {@code it.port.base} (admin on +48), the MDBs on it.calculator.port /
 * it.echo.port.
 */
class GlassFishIT extends SampleScenarios {
    private GlassFishServer glassfish;

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

    @Override
    protected AppServer createServer() {
        Path javaHome = Path.of(System.getProperty("server.java.home"));
        glassfish = new GlassFishServer(
                Path.of(System.getProperty("glassfish.home")),
                javaHome,
                Path.of(System.getProperty("glassfish.domains")),
                "it",
                Integer.getInteger("it.port.base"),
                Path.of(System.getProperty("sample.ear")),
                // C1 only and the serial GC: the suite boots and deploys GlassFish on two shared cores.
                List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        // The descriptor bridge calls native code (FFM): allowed without a warning.
                        "--enable-native-access=ALL-UNNAMED",
                        "-Dprefork.java_home=" + WORKERS_JAVA_HOME,
                        "-Dprefork.calculator.port=127.0.0.1:" + CALCULATOR_PORT,
                        "-Dprefork.echo.port=127.0.0.1:" + ECHO_PORT,
                        "-Dprefork.echo.max_servers=2",
                        "-Dprefork.echo.max_requests=5",
                        "-Dprefork.graceful_shutdown_timeout=3",
                        "-Dprefork.runtime_dir=" + RUNTIME_DIR));
        return glassfish;
    }

    /**
     * The .rar deployed on its own, shared by applications, and the MDBs in a jar of their own bound to it.
     * GlassFish lets an application see a standalone adapter's classes only when it refers to the adapter:
     * the MDB jar names it in glassfish-ejb-jar.xml ({@code resource-adapter-mid}), which binds the MDBs
     * explicitly too; the api jar goes inside the .rar. (Measured: without the descriptor the MDB jar fails
     * with NoClassDefFoundError: dev/prefork/api/PreforkListener.)
     */
    @Test
    @Order(70)
    void theRarOnItsOwnWithASeparateMdbJarBoundToIt() throws Exception {
        Path deployments = Path.of(System.getProperty("deployments.dir"));
        Path rar = deployments.resolve("standalone/prefork-connector.rar");
        Files.createDirectories(rar.getParent());
        Files.copy(deployments.resolve("prefork-connector.rar"), rar, StandardCopyOption.REPLACE_EXISTING);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + rar.toUri()), Map.of())) {
            Files.copy(deployments.resolve("prefork-connector-api.jar"), zip.getPath("prefork-connector-api.jar"));
        }
        Path mdbJar = deployments.resolve("standalone/prefork-sample-ejb.jar");
        Files.copy(deployments.resolve("prefork-sample-ejb.jar"), mdbJar, StandardCopyOption.REPLACE_EXISTING);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + mdbJar.toUri()), Map.of())) {
            Files.writeString(zip.getPath("META-INF/glassfish-ejb-jar.xml"), GLASSFISH_EJB_JAR_XML);
        }
        glassfish.asadmin("deploy", "--name", "prefork-connector", rar.toString());
        try {
            glassfish.asadmin("deploy", "--name", "prefork-sample-ejb", mdbJar.toString());
            try {
                awaitPools(Map.of("calculator", 4, "echo", echoWorkers));
                try (LineClient client = new LineClient(CALCULATOR_PORT)) {
                    assertEquals("42", client.ask("6*7"));
                }
                try (LineClient client = new LineClient(ECHO_PORT)) {
                    assertEquals("standalone", client.ask("standalone"));
                }
            } finally {
                glassfish.asadmin("undeploy", "prefork-sample-ejb");
            }
            awaitNoSupervisor();
            assertFalse(LineClient.accepting(CALCULATOR_PORT), "calculator port closed");
        } finally {
            glassfish.asadmin("undeploy", "prefork-connector");
        }
    }
}
