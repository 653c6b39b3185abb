package dev.prefork.embedded;

import jakarta.ejb.MessageDriven;
import org.jboss.weld.bootstrap.spi.BeanDiscoveryMode;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs listener beans without an application server, until Ctrl-C or SIGTERM:
 *
 * <pre>
 * java -cp app.jar:prefork-embedded's class path dev.prefork.embedded.Main              # every @MessageDriven PreforkListener found
 * java -cp ... dev.prefork.embedded.Main com.example.EchoBean com.example.OtherBean     # just these
 * </pre>
 *
 * <p>With no arguments it finds the listener classes on the class path ({@link ListenerScan}; an EJB
 * jar needs no {@code beans.xml}), with class names it takes those; either way it boots Weld SE with
 * them (and whatever bean archives with a {@code beans.xml} hold). As the {@code Main-Class} of an
 * application jar whose manifest {@code Class-Path} names the host's jars, {@code java -jar app.jar}
 * works the same. Ctrl-C or SIGTERM closes the container, which stops every pool with its grace
 * period; the supervisors also stop on their own if this JVM is killed outright.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s [%3$s] %5$s%6$s%n");
        }
        long started = System.nanoTime();
        Weld weld = new Weld().skipShutdownHook();
        // Listener classes become beans as they are: @MessageDriven counts as bean-defining.
        weld.setBeanDiscoveryMode(BeanDiscoveryMode.ANNOTATED).addBeanDefiningAnnotations(MessageDriven.class);
        if (args.length == 0) {
            // Each found listener's package joins the deployment in annotated mode: the listener and its
            // scoped collaborators beside it become beans, plain classes there (the calculator's parser,
            // say) stay plain classes.
            for (Class<?> listener : ListenerScan.find(System.getProperty("java.class.path"), Main.class.getClassLoader())) {
                weld.addPackage(false, listener);
            }
        } else {
            for (String className : args) {
                weld.addBeanClass(Class.forName(className));
            }
        }
        // Registered before the container starts: a Ctrl-C while it starts (the ports answer before
        // initialize() returns) must not meet a JVM with no hook, nor a hook registered too late ("Shutdown in
        // progress"). Until the container is up, the extension's own hook stops what started (StopAtExit).
        AtomicReference<WeldContainer> running = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            WeldContainer up = running.getAndSet(null);
            if (up != null) {
                System.out.println("prefork: stopping " + up.select(PreforkExtension.class).get().pools().size()
                        + " listener pool(s)");
                up.close();
                System.out.println("prefork: stopped; nothing left running");
            }
            stopped.countDown();
        }, "prefork-shutdown"));
        WeldContainer container;
        try {
            container = weld.initialize();
        } catch (RuntimeException e) {
            System.err.println("prefork: the listener beans could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        List<ListenerPool> pools = container.select(PreforkExtension.class).get().pools();
        if (pools.isEmpty()) {
            System.err.println("prefork: no listener bean found (a class implementing dev.prefork.api.PreforkListener"
                    + " annotated @MessageDriven); nothing to run");
            container.close();
            System.exit(2);
            return;
        }
        running.set(container);
        for (ListenerPool pool : pools) {
            System.out.println("prefork: " + pool.name() + " (" + pool.beanClass().getName() + ") listening on "
                    + pool.boundAddresses() + " with " + pool.settings().config().maxServers() + " workers per port");
        }
        long sinceJvmStart = ProcessHandle.current().info().startInstant()
                .map(start -> java.time.Duration.between(start, java.time.Instant.now()).toMillis()).orElse(-1L);
        System.out.println("prefork: ready in " + (System.nanoTime() - started) / 1_000_000 + " ms (" + sinceJvmStart
                + " ms after the JVM started); Ctrl-C stops");
        stopped.await();
    }
}
