package dev.prefork.api;

import java.io.IOException;

/**
 * The message listener interface of Prefork Connector: a message-driven bean that implements it is
 * handed every client connection that one of the pre-forked worker processes accepted.
 *
 * <p>It plays the part of {@code process_request} in Perl's {@code Net::Server} and of {@code Run}
 * in {@code Net::Daemon}: read what the client sends, write the answer, and return. Returning closes
 * the client connection; throwing closes it as well (the exception is logged by the adapter).
 *
 * <p>A complete MDB, answering every line with the line itself:
 *
 * <pre>{@code
 * @MessageDriven(activationConfig = {
 *     @ActivationConfigProperty(propertyName = "port", propertyValue = "20205"),
 *     @ActivationConfigProperty(propertyName = "max_servers", propertyValue = "8")
 * })
 * public class EchoBean implements PreforkListener {
 *     @Override
 *     public void processRequest(PreforkConnection connection) throws IOException {
 *         BufferedReader in = connection.getReader();
 *         PrintWriter out = connection.getWriter();
 *         for (String line; (line = in.readLine()) != null; ) {
 *             out.println(line);
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>One invocation serves one connection from start to end, so a bean instance is busy for as long
 * as its client stays connected; the pool of worker processes ({@code max_servers}) bounds how many
 * connections are served at once.
 *
 * <p>Delivery is transacted when the container says so (an MDB with container-managed transactions
 * and the default {@code REQUIRED}): the whole connection then runs in one transaction, subject to the
 * transaction timeout. Most network services have nothing transactional per connection and should say
 * {@code @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)}, as the sample MDBs do.
 *
 * <p>When the container has no bean instance to deliver to, the client reads one line starting with
 * {@code busy: } and the connection closes.
 *
 * <p><b>Without an application server.</b> The same class, unchanged, runs in Weld SE with
 * {@code prefork-embedded} ({@code dev.prefork.embedded.Main} on a class path holding it), with the same
 * settings from its activation config and MicroProfile Config; each connection gets a CDI contextual
 * instance. Its JUnit 5 kit starts the bean with real worker processes (two, on a free port of
 * 127.0.0.1) before each test and stops them after it, also when it fails:
 *
 * <pre>{@code
 * @PreforkTest(EchoBean.class)                   // dev.prefork.embedded.junit
 * class EchoBeanTest {
 *     @Test
 *     void echoes(ListenerPool echo) throws IOException {
 *         try (LineClient client = LineClient.connect(echo)) {
 *             assertEquals("hello", client.ask("hello"));
 *         }
 *     }
 * }
 * }</pre>
 */
public interface PreforkListener {

    /**
     * Serves one client connection.
     *
     * @param connection the client's streams and facts about the connection; valid only during the call
     * @throws IOException when talking to the client fails; the connection is then closed
     */
    void processRequest(PreforkConnection connection) throws IOException;
}
