package dev.prefork.engine.config;

import java.util.Locale;

/**
 * Which PROXY protocol header (HAProxy's specification) a worker expects at the start of every
 * connection, before the client's own bytes: none, version 1 (text), version 2 (binary) or either.
 */
public enum ProxyProtocol {
    /** No header: the connection's own addresses are the client's. */
    OFF,
    /** The text header, {@code PROXY TCP4 ...\r\n}. */
    V1,
    /** The binary header that starts with the 12-byte signature. */
    V2,
    /** Either version, told apart by its first bytes. */
    ANY;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean acceptsV1() {
        return this == V1 || this == ANY;
    }

    public boolean acceptsV2() {
        return this == V2 || this == ANY;
    }
}
