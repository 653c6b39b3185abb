package dev.prefork.sample;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Answers every line with itself, for benchmarks of the MDB path: bytes go back as they arrive (so a
 * line comes back as soon as it is read), with no decoding.
 */
@MessageDriven(name = "EchoBean", activationConfig = {
        @ActivationConfigProperty(propertyName = "name", propertyValue = "echo"),
        @ActivationConfigProperty(propertyName = "port", propertyValue = "127.0.0.1:20205"),
        @ActivationConfigProperty(propertyName = "max_servers", propertyValue = "4")
})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class EchoBean implements PreforkListener {

    @Override
    public void processRequest(PreforkConnection connection) throws IOException {
        InputStream in = connection.getInputStream();
        OutputStream out = connection.getOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }
}
