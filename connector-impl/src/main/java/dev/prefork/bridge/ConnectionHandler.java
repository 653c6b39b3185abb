package dev.prefork.bridge;


/**
 * Serves one client connection in the controlling JVM. Returning (or throwing) ends the connection:
 * the worker closes the client socket and goes back to accepting. A handler that cannot serve the
 * client now says so with {@link ServedConnection#refuse}.
 */
@FunctionalInterface
public interface ConnectionHandler {
    void handle(ServedConnection connection) throws Exception;
}
