package dev.prefork.engine.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The test JVM's name resolver (registered in META-INF/services): the JDK's own, with every name it is
 * asked for recorded, so that a test can prove that nothing read from the wire reached a resolver.
 */
public final class RecordingResolverProvider extends InetAddressResolverProvider {
    private static final List<String> ASKED = new CopyOnWriteArrayList<>();

    /** Every host name looked up in this JVM so far (literals the JDK parses itself never get here). */
    public static List<String> namesLookedUp() {
        return List.copyOf(ASKED);
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                ASKED.add(host);
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "recording";
    }
}
