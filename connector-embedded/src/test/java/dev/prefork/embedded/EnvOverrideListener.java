package dev.prefork.embedded;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** Says max_servers 1; the build's environment says PREFORK_ENVOVERRIDE_MAX_SERVERS=3. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "name", propertyValue = "envoverride"),
        @ActivationConfigProperty(propertyName = "deliver_on", propertyValue = "accept"), // it speaks first
        @ActivationConfigProperty(propertyName = "port", propertyValue = "127.0.0.1:0"),
        @ActivationConfigProperty(propertyName = "max_servers", propertyValue = "1"),
        @ActivationConfigProperty(propertyName = "max_requests", propertyValue = "77")
})
public class EnvOverrideListener implements PreforkListener {
    @Override
    public void processRequest(PreforkConnection connection) {
        connection.getWriter().println("ok");
    }
}
