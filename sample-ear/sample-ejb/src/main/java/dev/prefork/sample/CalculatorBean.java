package dev.prefork.sample;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkListener;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Net::Daemon's calculator server as a message-driven bean: the client types arithmetic expressions, one
 * per line, and reads each result on a line of its own, in the base set by the {@code base} env-entry
 * ({@code dec}, {@code hex} or {@code oct}; ejb-jar.xml sets it). Bad input gets one line starting with
 * {@code error:} and the connection stays open for the next expression.
 *
 * <pre>{@code printf '6*7\n(1+2)**3\n1/0\n' | nc 127.0.0.1 20204}</pre>
 *
 * <p>No transaction: a connection may stay open for long, and there is nothing transactional here.
 */
@MessageDriven(name = "CalculatorBean", activationConfig = {
        @ActivationConfigProperty(propertyName = "name", propertyValue = "calculator"),
        @ActivationConfigProperty(propertyName = "port", propertyValue = "127.0.0.1:20204"),
        @ActivationConfigProperty(propertyName = "max_servers", propertyValue = "4")
})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class CalculatorBean implements PreforkListener {

    @Resource(name = "base")
    private String base = "dec";

    @Override
    public void processRequest(PreforkConnection connection) throws IOException {
        Calculator calculator = new Calculator(base);
        LineReader in = new LineReader(connection.getInputStream(), Calculator.MAX_LENGTH);
        OutputStream out = connection.getOutputStream();
        for (String line; (line = in.readLine()) != null; ) {
            String answer = line.equals(LineReader.TOO_LONG)
                    ? "error: expression longer than " + Calculator.MAX_LENGTH + " characters"
                    : calculator.answer(line);
            out.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
