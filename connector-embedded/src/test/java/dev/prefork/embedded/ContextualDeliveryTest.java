package dev.prefork.embedded;

import dev.prefork.embedded.junit.LineClient;
import dev.prefork.embedded.junit.PreforkTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Each connection gets a contextual instance of its own, intercepted, and destroyed (@PreDestroy) once served. */
@PreforkTest(value = CountedListener.class, beans = CountingInterceptor.class, workers = 1)
class ContextualDeliveryTest {

    @AfterEach
    void killLeftovers() {
        Leftovers.killDescendants();
    }

    @Test
    void aNewInterceptedInstancePerConnectionDestroyedAfterIt(ListenerPool pool) throws Exception {
        int created = CountedListener.CREATED.get();
        int destroyed = CountedListener.DESTROYED.get();
        int calls = CountingInterceptor.CALLS.get();
        for (int i = 1; i <= 3; i++) {
            try (LineClient client = LineClient.connect(pool)) {
                assertEquals("instance " + (created + i) + " of " + (created + i), client.readLine());
                // End of stream comes after processRequest returned and the instance was destroyed.
                assertNull(client.readLine());
            }
            assertEquals(destroyed + i, CountedListener.DESTROYED.get(), "@PreDestroy ran for connection " + i);
        }
        assertEquals(calls + 3, CountingInterceptor.CALLS.get(), "the interceptor saw every call");
    }
}
