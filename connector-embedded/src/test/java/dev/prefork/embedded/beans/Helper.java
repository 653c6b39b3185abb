package dev.prefork.embedded.beans;

/** No bean-defining annotation: in annotated discovery it stays a plain class. */
public class Helper {
}
