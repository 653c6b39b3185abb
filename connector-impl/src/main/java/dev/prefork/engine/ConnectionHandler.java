package dev.prefork.engine;

import dev.prefork.api.PreforkConnection;

/**
 * Serves one client connection in the controlling JVM. Returning (or throwing) ends the connection:
 * the worker closes the client socket and goes back to accepting.
 */
@FunctionalInterface
public interface ConnectionHandler {
    void handle(PreforkConnection connection) throws Exception;
}
