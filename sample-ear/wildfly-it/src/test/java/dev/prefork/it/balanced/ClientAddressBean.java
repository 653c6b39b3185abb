package dev.prefork.it.balanced;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * An MDB that answers every line with the addresses it was handed: the client's (through the PROXY
 * header), the one the client connected to, and the balancer's. Deployed by {@code BalancerIT} with the
 * sample's .rar behind a real HAProxy; the sample's own beans echo and calculate, and so cannot show what
 * address an MDB sees. Its ports come from MicroProfile Config (arquillian.xml); the rest of what makes
 * it a node behind a balancer is its activation config, as a developer would write it.
 */
@MessageDriven(name = "ClientAddressBean", activationConfig = {
        @ActivationConfigProperty(propertyName = "name", propertyValue = "balanced"),
        @ActivationConfigProperty(propertyName = "port", propertyValue = "127.0.0.2:24206"),
        @ActivationConfigProperty(propertyName = "max_servers", propertyValue = "2"),
        @ActivationConfigProperty(propertyName = "proxy_protocol", propertyValue = "v2"),
        @ActivationConfigProperty(propertyName = "proxy_allow", propertyValue = "127.0.0.1"),
        @ActivationConfigProperty(propertyName = "drain_timeout", propertyValue = "6")
})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ClientAddressBean implements PreforkListener {

    @Override
    public void processRequest(PreforkConnection connection) throws IOException {
        BufferedReader in = connection.getReader();
        PrintWriter out = connection.getWriter();
        String via = connection.getProxyAddress().map(ClientAddressBean::format).orElse("none");
        for (String line; (line = in.readLine()) != null; ) {
            out.print("node=wildfly peer=" + format(connection.getPeerAddress()) + " local=" + format(connection.getLocalAddress())
                    + " via=" + via + " line=" + line + "\n");
            out.flush();
        }
    }

    /** A literal address and port: never a name (nothing from the wire is looked up). */
    private static String format(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() + ":" + inet.getPort() : String.valueOf(address);
    }
}
