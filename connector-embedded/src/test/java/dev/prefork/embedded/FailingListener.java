package dev.prefork.embedded;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;

/** Echoes lines, but throws on the line "boom". */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "name", propertyValue = "failing"),
        @ActivationConfigProperty(propertyName = "port", propertyValue = "127.0.0.1:0")
})
public class FailingListener implements PreforkListener {
    @Override
    public void processRequest(PreforkConnection connection) throws IOException {
        BufferedReader in = connection.getReader();
        PrintWriter out = connection.getWriter();
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("boom")) {
                throw new IllegalStateException("the bean failed on purpose");
            }
            out.println(line);
        }
    }
}
