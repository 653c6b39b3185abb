package dev.prefork.embedded.junit;

import dev.prefork.api.PreforkListener;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs listener beans for each test of the annotated class: before each test a Weld SE container starts
 * with the beans named here (no class path scanning), each on a kernel-chosen port of 127.0.0.1 with
 * {@link #workers()} worker processes; after the test, passed or failed, the container closes and every
 * process, port and file of the pools is gone.
 *
 * <pre>{@code
 * @PreforkTest(CalculatorBean.class)
 * class CalculatorBeanTest {
 *     @Test
 *     void multiplies(ListenerPool calculator) throws IOException {
 *         try (LineClient client = LineClient.connect(calculator)) {
 *             assertEquals("42", client.ask("6*7"));
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Test methods (and {@code @BeforeEach}/{@code @AfterEach} methods) can take a
 * {@link dev.prefork.embedded.ListenerPool} (with one listener bean), the
 * {@link dev.prefork.embedded.PreforkExtension} (its {@code pool(BeanClass.class)} for several), or the
 * {@link jakarta.enterprise.inject.se.SeContainer}. Every other setting is resolved as in production, so
 * the bean's activation config, {@code META-INF/microprofile-config.properties} and system properties
 * apply; {@code port} and {@code max_servers} are set by the kit (shown as coming from {@code @PreforkTest}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PreforkTestExtension.class)
public @interface PreforkTest {

    /** The listener beans to run: classes implementing {@link PreforkListener} annotated {@code @MessageDriven}. */
    Class<? extends PreforkListener>[] value();

    /** Worker processes per listener ({@code max_servers}). */
    int workers() default 2;

    /** Further bean classes the listeners need (collaborators, interceptors with {@code @Priority}). */
    Class<?>[] beans() default {};
}
