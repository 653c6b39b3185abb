package dev.prefork.embedded;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkListener;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** Tells the client which instance serves it; counts instances created and destroyed. */
@Counted
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "name", propertyValue = "counted"),
        @ActivationConfigProperty(propertyName = "deliver_on", propertyValue = "accept"), // it speaks first
        @ActivationConfigProperty(propertyName = "port", propertyValue = "127.0.0.1:0")
})
public class CountedListener implements PreforkListener {
    static final AtomicInteger CREATED = new AtomicInteger();
    static final AtomicInteger DESTROYED = new AtomicInteger();
    private int instance;

    @PostConstruct
    void created() {
        instance = CREATED.incrementAndGet();
    }

    @PreDestroy
    void destroyed() {
        DESTROYED.incrementAndGet();
    }

    @Override
    public void processRequest(PreforkConnection connection) throws IOException {
        connection.getWriter().println("instance " + instance + " of " + CREATED.get());
    }
}
