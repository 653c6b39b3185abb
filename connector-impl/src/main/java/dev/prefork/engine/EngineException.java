package dev.prefork.engine;

/** The engine could not start, or could not answer; the message says what failed and what to do. */
public class EngineException extends Exception {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
