package dev.prefork.engine.proxy;

import java.io.IOException;

/** The bytes at the start of a connection are not a PROXY header the port accepts; says why. */
public final class MalformedProxyHeader extends IOException {
    public MalformedProxyHeader(String message) {
        super(message);
    }
}
