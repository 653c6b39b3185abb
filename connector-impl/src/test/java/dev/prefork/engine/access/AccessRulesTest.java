package dev.prefork.engine.access;

import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Net::Server's allow/deny precedence, Net::Daemon's clients list, and address parsing without lookups. */
class AccessRulesTest {

    private static AccessRules netServer(String allow, String deny, String cidrAllow, String cidrDeny) {
        return AccessRules.parse(allow, deny, cidrAllow, cidrDeny, "");
    }

    @Test
    void withNoRuleEveryClientIsServed() {
        AccessRules rules = netServer("", " ", "", "");
        assertTrue(rules.isOpen());
        assertTrue(rules.permits("192.0.2.1:40000"));
        assertTrue(rules.permits("garbage"));
    }

    @Test
    void anyRuleRefusesWhatNoAllowMatches() {
        AccessRules rules = netServer("127\\.0\\.0\\.1", "", "", "");
        assertTrue(rules.permits("127.0.0.1:40000"));
        assertFalse(rules.permits("127.0.0.2:40000"));
        // A deny rule alone refuses everybody else too, as in Net::Server: nothing allows them.
        assertFalse(netServer("", "10\\..*", "", "").permits("127.0.0.1:1"));
    }

    @Test
    void expressionsMatchTheWholeAddressAsNetServerAnchorsThem() {
        AccessRules rules = netServer("127\\.0\\.0\\.1", "", "", "");
        assertFalse(rules.permits("127.0.0.10:1"), "^127\\.0\\.0\\.1$ does not match 127.0.0.10");
        assertFalse(rules.permits("1127.0.0.1:1"));
    }

    @Test
    void denyBeatsAllowAndCidrDenyBeatsCidrAllow() {
        assertFalse(netServer("127\\.0\\.0\\.\\d+", "127\\.0\\.0\\.2", "", "").permits("127.0.0.2:1"));
        assertTrue(netServer("127\\.0\\.0\\.\\d+", "127\\.0\\.0\\.2", "", "").permits("127.0.0.3:1"));
        assertFalse(netServer("", "", "127.0.0.0/8", "127.0.0.2/32").permits("127.0.0.2:1"));
        // A deny of either kind beats an allow of the other kind.
        assertFalse(netServer("127\\.0\\.0\\.2", "", "", "127.0.0.0/30").permits("127.0.0.2:1"));
        assertFalse(netServer("", "127\\.0\\.0\\.2", "127.0.0.0/8", "").permits("127.0.0.2:1"));
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.255.1.2, true",
            "10.0.0.0/8, 11.0.0.1, false",
            "192.168.1.128/25, 192.168.1.200, true",
            "192.168.1.128/25, 192.168.1.127, false",
            "0.0.0.0/0, 203.0.113.9, true",
            "127.0.0.1, 127.0.0.1, true",
            "127.0.0.1, 127.0.0.2, false",
            "::1/128, ::1, true",
            "2001:db8::/32, 2001:db8:ffff::1, true",
            "2001:db8::/32, 2001:db9::1, false",
            "fe80::/10, febf::1, true",
            "fe80::/10, fec0::1, false",
            "127.0.0.0/8, ::1, false",
            "::/0, 127.0.0.1, false",
            "127.0.0.0/8, ::ffff:127.0.0.5, true",
    })
    void cidrBlocksOfBothFamilies(String block, String address, boolean inside) {
        String peer = address.contains(":") ? "[" + address + "]:4000" : address + ":4000";
        assertEquals(inside, netServer("", "", block, "").permits(peer), block + " contains " + address);
    }

    @Test
    void ipv6ClientsAreMatchedInTheirShortFormAndMappedIpv4AsIpv4() {
        AccessRules rules = netServer("::1 2001:db8::7", "", "", "");
        assertTrue(rules.permits("[0:0:0:0:0:0:0:1]:4000"), "the worker may print the long form");
        assertTrue(rules.permits("[2001:0DB8:0:0:0:0:0:7]:4000"));
        assertFalse(rules.permits("[::2]:4000"));
        assertTrue(netServer("127\\.0\\.0\\.1", "", "", "").permits("[::ffff:127.0.0.1]:4000"),
                "a client on a dual-stack socket matches IPv4 rules");
    }

    @Test
    void unixSocketClientsAreExemptAsInNetServer() {
        assertTrue(netServer("127\\.0\\.0\\.1", "", "", "").permits("unix:"));
    }

    @Test
    void whatIsNotANumericAddressIsRefusedWhileRulesAreInForce() {
        AccessRules rules = netServer(".*", "", "", "");
        assertFalse(rules.permits("localhost:80"));
        assertFalse(rules.permits("999.1.1.1:1"));
        assertFalse(rules.permits(""));
    }

    @Test
    void netDaemonsClientsListFirstMatchDecidesAndNoMatchRefuses() {
        AccessRules rules = AccessRules.parse("", "", "", "", "accept:^192\\.168\\.1\\.\\d+$ deny:^192\\.168\\. accept:^10\\.");
        assertTrue(rules.permits("192.168.1.7:1"));
        assertFalse(rules.permits("192.168.2.7:1"));
        assertTrue(rules.permits("10.1.2.3:1"));
        assertFalse(rules.permits("172.16.0.1:1"), "no entry matches: refused");
        // Net::Daemon does not anchor its masks.
        assertTrue(AccessRules.parse("", "", "", "", "accept:0\\.0").permits("127.0.0.1:1"));
    }

    @Test
    void theTwoFormsCannotBeMixed() {
        AccessRules.Form e = assertThrows(AccessRules.Form.class,
                () -> AccessRules.parse("127\\.0\\.0\\.1", "", "", "", "accept:.*"));
        assertEquals("clients", e.key());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "allow|a(b|is not a regular expression",
            "cidr_allow|10.0.0.0/33|prefix length after / must be 0 to 32",
            "cidr_deny|::1/129|prefix length after / must be 0 to 128",
            "cidr_allow|example.com/8|not a numeric IPv4 or IPv6 address (host names are never looked up)",
            "cidr_allow|999.1.1.1|not a numeric IPv4 or IPv6 address",
            "cidr_allow|010.0.0.1|not a numeric IPv4 or IPv6 address",
            "clients|permit:.*|must be accept:MASK or deny:MASK",
    })
    void aBadRuleNamesTheSettingTheValueAndTheProblem(String key, String value, String problem) {
        ConfigException e = assertThrows(ConfigException.class, () -> EngineConfig.fromMap(Map.of(key, value)));
        assertEquals(key, e.key());
        assertEquals(value, e.value());
        assertTrue(e.getMessage().startsWith(key + "='" + value + "' is not valid: "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void blocksMaySeparateWithCommasAndTheSettingsRoundTrip() {
        EngineConfig config = EngineConfig.fromMap(Map.of("cidr_allow", "127.0.0.0/8, ::1/128", "deny_message", "go away"));
        assertTrue(config.accessRules().permits("[::1]:1"));
        assertTrue(config.accessRules().permits("127.9.9.9:1"));
        assertFalse(config.accessRules().permits("192.0.2.1:1"));
        assertEquals(Map.of("cidr_allow", "127.0.0.0/8, ::1/128", "deny_message", "go away"), config.accessSettings());
        assertEquals(config, EngineConfig.fromMap(config.toMap()));
    }

    @Test
    void aDenyMessageIsOneShortLine() {
        assertThrows(ConfigException.class, () -> EngineConfig.fromMap(Map.of("deny_message", "two\nlines")));
        assertThrows(ConfigException.class, () -> EngineConfig.fromMap(Map.of("deny_message", "x".repeat(513))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "01.2.3.4", " 1.2.3.4", "1.2.3.4 ",
            ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "::1%eth0", "1.2.3.4::", "::1.2.3", "[::1]"})
    void malformedLiteralsAreNotAddresses(String text) {
        assertNull(IpLiteral.parse(text), text);
    }

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0, 0.0.0.0",
            "255.255.255.255, 255.255.255.255",
            "0:0:0:0:0:0:0:1, ::1",
            "::, ::",
            "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "1:0:0:2:0:0:0:3, 1:0:0:2::3",
            "::ffff:10.1.2.3, 10.1.2.3",
            "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
    })
    void literalsPrintInTheirCanonicalForm(String text, String canonical) {
        assertEquals(canonical, IpLiteral.parse(text).toString());
    }
}
