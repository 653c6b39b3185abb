package dev.prefork.embedded.beans;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;

/** Every line back. A plain MDB class: no CDI annotation, found because @MessageDriven counts as bean-defining. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "name", propertyValue = "echo-test"),
        @ActivationConfigProperty(propertyName = "port", propertyValue = "127.0.0.1:0"),
        @ActivationConfigProperty(propertyName = "max_servers", propertyValue = "2")
})
public class EchoListener implements PreforkListener {
    @Override
    public void processRequest(PreforkConnection connection) throws IOException {
        BufferedReader in = connection.getReader();
        PrintWriter out = connection.getWriter();
        for (String line; (line = in.readLine()) != null; ) {
            out.println(line);
        }
    }
}
