package dev.prefork.embedded;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;

/**
 * Calls a listener bean as a container calls an MDB instance: a {@code @Dependent} bean (what an
 * {@code @MessageDriven} class is here) gets a new contextual instance per call, created with its
 * injections, interceptors and {@code @PostConstruct} and destroyed after the call ({@code @PreDestroy});
 * a normal-scoped bean is called through its client proxy and its context keeps it. A request context
 * is active for the call. Shared by the connections ({@link BeanDelivery}) and the dequeue jobs
 * ({@link BeanDequeue}).
 */
final class ContextualInstances<T> {
    /** One call of the bean through the interface {@code I}. */
    @FunctionalInterface
    interface Call<I> {
        void on(I instance) throws Exception;
    }

    private final Bean<T> bean;
    private final BeanManager beanManager;
    private final Instance<RequestContextController> requestContexts;

    ContextualInstances(Bean<T> bean, BeanManager beanManager) {
        this.bean = bean;
        this.beanManager = beanManager;
        this.requestContexts = beanManager.createInstance().select(RequestContextController.class);
    }

    Bean<T> bean() {
        return bean;
    }

    /** Runs {@code call} on an instance of the bean, seen as {@code type}, with a request context active. */
    <I> void call(Class<I> type, Call<I> call) throws Exception {
        RequestContextController requestContext = requestContexts.get();
        boolean activated = requestContext.activate();
        try {
            callInstance(type, call);
        } finally {
            if (activated) {
                requestContext.deactivate();
            }
            requestContexts.destroy(requestContext);
        }
    }

    private <I> void callInstance(Class<I> type, Call<I> call) throws Exception {
        CreationalContext<T> creationalContext = beanManager.createCreationalContext(bean);
        boolean dependent = bean.getScope() == Dependent.class;
        // A dependent instance is ours to destroy; a normal-scoped reference is a proxy its context owns.
        Object instance = dependent ? bean.create(creationalContext) : beanManager.getReference(bean, type, creationalContext);
        try {
            call.on(type.cast(instance));
        } finally {
            if (dependent) {
                @SuppressWarnings("unchecked")
                T created = (T) instance;
                bean.destroy(created, creationalContext);
            } else {
                creationalContext.release();
            }
        }
    }
}
