package dev.prefork.embedded;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** max_servers 0 is not allowed: the container must not start. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "name", propertyValue = "badsetting"),
        @ActivationConfigProperty(propertyName = "port", propertyValue = "127.0.0.1:0"),
        @ActivationConfigProperty(propertyName = "max_servers", propertyValue = "0")
})
public class BadSettingListener implements PreforkListener {
    @Override
    public void processRequest(PreforkConnection connection) {
        connection.getWriter().println("never");
    }
}
