package dev.prefork.adapter;

/**
 * Reads what a container means by an exception it threw instead of delivering.
 *
 * <p>WildFly undeploys an MDB by first waiting, without a time limit, for its invocations in progress,
 * and only then deactivating the endpoint. With Prefork Connector an invocation lasts as long as its
 * client stays connected, so connected clients would hold the undeploy. While it waits, WildFly
 * rejects every new invocation with {@code EJBComponentUnavailableException} ("component is shutting
 * down"): that rejection is the only sign of the coming deactivation an adapter gets.
 *
 * <p>The seam, per server (each measured by the integration suites in sample-ear):
 * <ul>
 *   <li>WildFly 39: {@code EJBComponentUnavailableException}, and {@code ComponentIsStoppedException} for
 *       a component already stopped, recognised here by their simple names (the adapter does not link
 *       against WildFly).</li>
 *   <li>GlassFish 8: nothing to recognise. Its undeploy deactivates the endpoint first, without waiting for
 *       deliveries in progress; the pool stops and ends connected clients after
 *       {@code graceful_shutdown_timeout}.</li>
 *   <li>Open Liberty 25: nothing to recognise, as GlassFish: stopping the application (undeploy, or a
 *       server.xml change that restarts it) deactivates the endpoint first.</li>
 * </ul>
 */
final class ContainerSignals {
    /** WildFly: an invocation rejected while the component waits for those in progress before it stops. */
    private static final String WILDFLY_SHUTTING_DOWN = "EJBComponentUnavailableException";
    /**
     * WildFly: an invocation of a component already stopped ({@code BasicComponent.waitForComponentStart},
     * read in WildFly 39's wildfly-ee), e.g. one that reaches the MDB during an undeploy's deactivation.
     */
    private static final String WILDFLY_STOPPED = "ComponentIsStoppedException";

    private ContainerSignals() {
    }

    /** True when {@code failure} (or a cause of it) says the MDB component is shutting down for good. */
    static boolean componentShuttingDown(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (name.equals(WILDFLY_SHUTTING_DOWN) || name.equals(WILDFLY_STOPPED)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
