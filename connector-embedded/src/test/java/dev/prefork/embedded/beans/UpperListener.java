package dev.prefork.embedded.beans;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;

/** Greets with a value from the application's MicroProfile Config (injected), then answers every line in upper case. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "name", propertyValue = "upper-test"),
        @ActivationConfigProperty(propertyName = "deliver_on", propertyValue = "accept"), // it speaks first
        @ActivationConfigProperty(propertyName = "port", propertyValue = "127.0.0.1:0"),
        @ActivationConfigProperty(propertyName = "maxServers", propertyValue = "1")
})
public class UpperListener implements PreforkListener {
    @Inject
    @ConfigProperty(name = "upper.greeting")
    String greeting;

    @Override
    public void processRequest(PreforkConnection connection) throws IOException {
        BufferedReader in = connection.getReader();
        PrintWriter out = connection.getWriter();
        out.println(greeting);
        for (String line; (line = in.readLine()) != null; ) {
            out.println(line.toUpperCase(Locale.ROOT));
        }
    }
}
