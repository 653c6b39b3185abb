package dev.prefork.embedded;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts the listener calls it intercepts. */
@Counted
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class CountingInterceptor {
    static final AtomicInteger CALLS = new AtomicInteger();

    @AroundInvoke
    Object count(InvocationContext invocation) throws Exception {
        if (invocation.getMethod().getName().equals("processRequest")) {
            CALLS.incrementAndGet();
        }
        return invocation.proceed();
    }
}
