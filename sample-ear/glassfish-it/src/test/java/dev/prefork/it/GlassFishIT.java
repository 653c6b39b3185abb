package dev.prefork.it;

import java.nio.file.Path;
import java.util.List;

/**
 * The shared scenarios on GlassFish 8 (JDK 21+, so on the build's JDK 25: descriptors are passed), driven
 * with asadmin. Ports: portbase {@code it.port.base} (admin on +48), the MDBs on it.calculator.port /
 * it.echo.port.
 */
class GlassFishIT extends SampleScenarios {
    @Override
    protected AppServer createServer() {
        Path javaHome = Path.of(System.getProperty("server.java.home"));
        return new GlassFishServer(
                Path.of(System.getProperty("glassfish.home")),
                javaHome,
                Path.of(System.getProperty("glassfish.domains")),
                "it",
                Integer.getInteger("it.port.base"),
                Path.of(System.getProperty("sample.ear")),
                List.of("-Xmx384m",
                        // The descriptor bridge calls native code (FFM): allowed without a warning.
                        "--enable-native-access=ALL-UNNAMED",
                        "-Dprefork.java_home=" + WORKERS_JAVA_HOME,
                        "-Dprefork.calculator.port=127.0.0.1:" + CALCULATOR_PORT,
                        "-Dprefork.echo.port=127.0.0.1:" + ECHO_PORT,
                        "-Dprefork.echo.max_servers=2",
                        "-Dprefork.echo.max_requests=5",
                        "-Dprefork.graceful_shutdown_timeout=3",
                        "-Dprefork.runtime_dir=" + RUNTIME_DIR));
    }
}
