package dev.prefork.it;

import java.nio.file.Path;

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
                serverJvmOptionsWithTestSettings(javaHome));
    }
}
