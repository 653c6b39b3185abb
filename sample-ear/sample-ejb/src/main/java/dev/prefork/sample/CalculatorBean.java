package dev.prefork.sample;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkDequeue;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Net::Daemon's calculator server as a message-driven bean: the client types arithmetic expressions, one
 * per line, and reads each result on a line of its own, in the base set by the {@code base} env-entry
 * ({@code dec}, {@code hex} or {@code oct}; ejb-jar.xml sets it). Bad input gets one line starting with
 * {@code error:} and the connection stays open for the next expression.
 *
 * <pre>{@code printf '6*7\n(1+2)**3\n1/0\n' | nc 127.0.0.1 20204}</pre>
 *
 * <p>Every {@code check_for_dequeue} seconds (60 here) its dequeue job ({@link PreforkDequeue}) logs how
 * many expressions were answered since the previous report and how many of them were errors, one line
 * {@code calculator: report #N: ...}, as a service reports its throughput to a log watcher.
 *
 * <p>No transaction: a connection may stay open for long, and there is nothing transactional here.
 */
@MessageDriven(name = "CalculatorBean", activationConfig = {
        @ActivationConfigProperty(propertyName = "name", propertyValue = "calculator"),
        @ActivationConfigProperty(propertyName = "port", propertyValue = "127.0.0.1:20204"),
        @ActivationConfigProperty(propertyName = "max_servers", propertyValue = "4"),
        @ActivationConfigProperty(propertyName = "check_for_dequeue", propertyValue = "60"),
        @ActivationConfigProperty(propertyName = "max_dequeue", propertyValue = "1")
})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class CalculatorBean implements PreforkDequeue {
    private static final Logger LOG = Logger.getLogger(CalculatorBean.class.getName());
    // Shared by every instance of the bean pool, for the reports: counters of the application, not of a bean.
    private static final AtomicLong ANSWERED = new AtomicLong();
    private static final AtomicLong ERRORS = new AtomicLong();
    private static final AtomicLong REPORTS = new AtomicLong();

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
            ANSWERED.incrementAndGet();
            if (answer.startsWith("error:")) {
                ERRORS.incrementAndGet();
            }
            out.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /** Logs the expressions answered (and the errors among them) since the previous report. */
    @Override
    public void runDequeue() {
        LOG.info("calculator: report #" + REPORTS.incrementAndGet() + ": " + ANSWERED.getAndSet(0) + " expressions answered, "
                + ERRORS.getAndSet(0) + " of them errors, since the previous report");
    }
}
