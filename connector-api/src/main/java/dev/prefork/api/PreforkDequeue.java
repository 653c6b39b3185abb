package dev.prefork.api;

/**
 * A {@link PreforkListener} that also does periodic work: PreForkSimple's {@code run_dequeue} (and
 * Net::Daemon's {@code Loop}), for mail queues, batch flushes, reports and the like. Implement this
 * interface instead of {@code PreforkListener} and set {@code check_for_dequeue} (seconds) and
 * {@code max_dequeue} (jobs at once, at least 1) in the activation config:
 *
 * <pre>{@code
 * @MessageDriven(activationConfig = {
 *     @ActivationConfigProperty(propertyName = "port", propertyValue = "20205"),
 *     @ActivationConfigProperty(propertyName = "check_for_dequeue", propertyValue = "60"),
 *     @ActivationConfigProperty(propertyName = "max_dequeue", propertyValue = "1")
 * })
 * public class MailBean implements PreforkDequeue {
 *     public void processRequest(PreforkConnection connection) throws IOException { ... queue a mail ... }
 *     public void runDequeue() throws Exception { ... send what is queued ... }
 * }
 * }</pre>
 *
 * <p><b>When.</b> Every {@code check_for_dequeue} seconds after the endpoint starts, a job starts unless
 * {@code max_dequeue} jobs still run: a call that has not returned by the next check counts against
 * {@code max_dequeue} (and a check that starts nothing for that reason is logged), so calls never pile
 * up. Nothing runs without {@code check_for_dequeue}; setting it on a class that does not implement this
 * interface fails the endpoint's start, naming the setting, its value and where it came from.
 *
 * <p><b>Where.</b> Inside an application server each call is Work of the container's WorkManager, on one
 * of its threads, through a message endpoint of its own (a bean instance from the MDB's pool, released
 * after the call), as a connection is; a call that no thread starts within 2 s is given up and the next
 * check tries again. In the Weld SE host ({@code prefork-embedded}) each call gets a thread of its own and
 * a contextual instance of the bean (a new one for a {@code @Dependent} bean, destroyed after the call)
 * with a request context active. Never on a worker process: workers run only the engine's code.
 *
 * <p><b>Failure.</b> An exception costs only that call: it is logged with the endpoint's name and the next
 * check starts a new one. (A container discards an MDB instance that threw a runtime exception.)
 *
 * <p><b>Transactions.</b> As for {@link #processRequest}: the call runs in a transaction when the
 * container says delivery of {@code runDequeue} is transacted (container-managed, {@code REQUIRED}, the
 * default), with the adapter calling {@code beforeDelivery}/{@code afterDelivery} around it; annotate the
 * method or the class {@code @TransactionAttribute} to choose. The Weld SE host runs no transactions.
 *
 * <p><b>Stop.</b> When the endpoint stops (undeploy, server or container shutdown), no new call starts;
 * calls in progress get {@code graceful_shutdown_timeout} seconds to return, then their thread is
 * interrupted, so a long job should check {@link Thread#isInterrupted()} or use interruptible waits.
 *
 * <p>Inside an application server the adapter declares this interface as a second message listener type
 * with the same activation spec, so an MDB that implements it is bound to the adapter like any other.
 *
 * @since 0.2
 */
public interface PreforkDequeue extends PreforkListener {

    /**
     * Serves one client connection, as {@link PreforkListener#processRequest}. Declared again here on
     * purpose: GlassFish knows an MDB's listener methods from the methods its listener interface declares
     * itself, so without this declaration it finds no transaction attribute for {@code processRequest}
     * of an MDB bound under this interface and refuses to deploy it.
     */
    @Override
    void processRequest(PreforkConnection connection) throws java.io.IOException;

    /**
     * Does one round of the periodic work and returns.
     *
     * @throws Exception when the round fails; logged, and the next round comes at the next check
     */
    void runDequeue() throws Exception;
}
