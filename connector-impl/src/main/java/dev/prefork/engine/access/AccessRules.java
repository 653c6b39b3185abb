package dev.prefork.engine.access;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which clients a pool serves, in one of two forms.
 *
 * <p><b>Net::Server's</b> ({@code allow}, {@code deny}, {@code cidr_allow}, {@code cidr_deny}), with its
 * precedence exactly: with no rule at all every client is served; otherwise a client whose address
 * matches a {@code deny} expression or lies in a {@code cidr_deny} block is refused, else one that
 * matches an {@code allow} expression or lies in a {@code cidr_allow} block is served, and every other
 * client is refused. Expressions match the whole address ({@code ^…$}, as Net::Server anchors them) in
 * the form {@link IpLiteral#toString()} gives, e.g. {@code 127\.0\.0\.\d+} or {@code ::1}.
 *
 * <p><b>Net::Daemon's</b> {@code clients}: a list of {@code accept:MASK} and {@code deny:MASK} entries
 * tried in order; the first whose expression is found in the address decides (Net::Daemon does not
 * anchor its masks), and a client no entry matches is refused. The two forms cannot be mixed.
 *
 * <p>Clients of a UNIX-domain socket are always served (Net::Server exempts them too: the socket file's
 * permissions already decide who may connect). Host names are never looked up, so an expression
 * written against a host name (Net::Server's {@code reverse_lookups}) matches nothing: the address is
 * what the client cannot forge on a TCP connection, its reverse DNS is what it can.
 */
public final class AccessRules {
    /** Served by everyone: no rule given. */
    public static final AccessRules OPEN = new AccessRules(List.of(), List.of(), List.of(), List.of(), List.of());

    private final List<Pattern> allow;
    private final List<Pattern> deny;
    private final List<CidrBlock> cidrAllow;
    private final List<CidrBlock> cidrDeny;
    private final List<ClientEntry> clients;

    private AccessRules(List<Pattern> allow, List<Pattern> deny, List<CidrBlock> cidrAllow, List<CidrBlock> cidrDeny,
                        List<ClientEntry> clients) {
        this.allow = allow;
        this.deny = deny;
        this.cidrAllow = cidrAllow;
        this.cidrDeny = cidrDeny;
        this.clients = clients;
    }

    /** One entry of Net::Daemon's {@code clients} list. */
    private record ClientEntry(boolean accept, Pattern mask) {
    }

    /**
     * Parses the five settings' values (each may be blank). Expressions are separated by white space,
     * blocks by white space or commas. Throws {@link Form} naming the setting and the bad entry.
     */
    public static AccessRules parse(String allow, String deny, String cidrAllow, String cidrDeny, String clients) {
        List<Pattern> allowPatterns = patterns("allow", allow);
        List<Pattern> denyPatterns = patterns("deny", deny);
        List<CidrBlock> allowBlocks = blocks("cidr_allow", cidrAllow);
        List<CidrBlock> denyBlocks = blocks("cidr_deny", cidrDeny);
        List<ClientEntry> clientEntries = clientEntries(clients);
        boolean netServerForm = !allowPatterns.isEmpty() || !denyPatterns.isEmpty() || !allowBlocks.isEmpty()
                || !denyBlocks.isEmpty();
        if (netServerForm && !clientEntries.isEmpty()) {
            throw new Form("clients", clients.trim(), "cannot be combined with allow, deny, cidr_allow or cidr_deny:"
                    + " use Net::Daemon's clients list or Net::Server's rules, not both");
        }
        if (!netServerForm && clientEntries.isEmpty()) {
            return OPEN;
        }
        return new AccessRules(allowPatterns, denyPatterns, allowBlocks, denyBlocks, clientEntries);
    }

    /** Checks one {@code allow} or {@code deny} list: every expression compiles. */
    public static void checkExpressions(String value) {
        patterns("allow", value);
    }

    /** Checks one {@code cidr_allow} or {@code cidr_deny} list: every block parses. */
    public static void checkBlocks(String value) {
        blocks("cidr_allow", value);
    }

    /** Checks a {@code proxy_allow} list: every block parses. */
    public static void checkProxyAllow(String value) {
        blocks("proxy_allow", value);
    }

    /**
     * The rules of {@code proxy_allow}: the balancers whose PROXY headers are believed, as blocks (a
     * single address is a block); nobody when {@code value} is blank. Throws {@link Form} naming the bad entry.
     */
    public static AccessRules proxyAllow(String value) {
        List<CidrBlock> blocks = blocks("proxy_allow", value);
        if (blocks.isEmpty()) {
            // isOpen() would serve everyone: a rule nothing matches serves no one, as intended here.
            return new AccessRules(List.of(), List.of(), List.of(), List.of(), List.of(new ClientEntry(false, Pattern.compile(""))));
        }
        return new AccessRules(List.of(), List.of(), blocks, List.of(), List.of());
    }

    /** Checks a {@code clients} list: every entry is accept:MASK or deny:MASK with a valid expression. */
    public static void checkClients(String value) {
        clientEntries(value);
    }

    /** Whether every client is served (no rule given): the worker then skips the check altogether. */
    public boolean isOpen() {
        return allow.isEmpty() && deny.isEmpty() && cidrAllow.isEmpty() && cidrDeny.isEmpty() && clients.isEmpty();
    }

    /**
     * Whether the client at {@code peer} is served. {@code peer} is a worker's peer text:
     * {@code 192.0.2.1:40000}, {@code [2001:db8::1]:40000}, or {@code unix:} for a UNIX-domain client.
     * Anything that is not a numeric address is refused while rules are in force.
     */
    public boolean permits(String peer) {
        if (isOpen() || peer.startsWith("unix:")) {
            return true;
        }
        IpLiteral address = IpLiteral.parse(hostPart(peer));
        if (address == null) {
            return false;
        }
        String text = address.toString();
        if (!clients.isEmpty()) {
            for (ClientEntry entry : clients) {
                if (entry.mask().matcher(text).find()) {
                    return entry.accept();
                }
            }
            return false;
        }
        for (Pattern pattern : deny) {
            if (pattern.matcher(text).matches()) {
                return false;
            }
        }
        for (CidrBlock block : cidrDeny) {
            if (block.contains(address)) {
                return false;
            }
        }
        for (Pattern pattern : allow) {
            if (pattern.matcher(text).matches()) {
                return true;
            }
        }
        for (CidrBlock block : cidrAllow) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The address part of {@code host:port} or {@code [v6]:port}; the text itself when it has no port. */
    private static String hostPart(String peer) {
        if (peer.startsWith("[")) {
            int close = peer.indexOf(']');
            return close < 0 ? peer : peer.substring(1, close);
        }
        int colon = peer.lastIndexOf(':');
        return colon < 0 || peer.indexOf(':') != colon ? peer : peer.substring(0, colon);
    }

    private static List<Pattern> patterns(String key, String value) {
        List<Pattern> out = new ArrayList<>();
        for (String expression : words(value, false)) {
            out.add(compile(key, value, expression));
        }
        return List.copyOf(out);
    }

    private static List<CidrBlock> blocks(String key, String value) {
        List<CidrBlock> out = new ArrayList<>();
        for (String block : words(value, true)) {
            try {
                out.add(CidrBlock.parse(block));
            } catch (IllegalArgumentException e) {
                throw new Form(key, value, e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private static List<ClientEntry> clientEntries(String value) {
        List<ClientEntry> out = new ArrayList<>();
        for (String entry : words(value, false)) {
            int colon = entry.indexOf(':');
            String verdict = colon < 0 ? "" : entry.substring(0, colon);
            if (!verdict.equals("accept") && !verdict.equals("deny")) {
                throw new Form("clients", value, "entry " + entry + " must be accept:MASK or deny:MASK,"
                        + " MASK a regular expression for the client's address; the first match decides");
            }
            out.add(new ClientEntry(verdict.equals("accept"), compile("clients", value, entry.substring(colon + 1))));
        }
        return List.copyOf(out);
    }

    private static Pattern compile(String key, String value, String expression) {
        try {
            return Pattern.compile(expression);
        } catch (PatternSyntaxException e) {
            throw new Form(key, value, expression + " is not a regular expression: " + e.getDescription());
        }
    }

    private static List<String> words(String value, boolean commasToo) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        int start = -1;
        for (int i = 0; i <= value.length(); i++) {
            boolean separator = i == value.length() || Character.isWhitespace(value.charAt(i))
                    || (commasToo && value.charAt(i) == ',');
            if (separator && start >= 0) {
                out.add(value.substring(start, i));
                start = -1;
            } else if (!separator && start < 0) {
                start = i;
            }
        }
        return out;
    }

    /** A rule that cannot be parsed: which setting, its value, and what is wrong. */
    public static final class Form extends IllegalArgumentException {
        private final String key;
        private final String value;
        private final String problem;

        Form(String key, String value, String problem) {
            super(key + "=" + value + " is not valid: " + problem);
            this.key = key;
            this.value = value;
            this.problem = problem;
        }

        public String problem() {
            return problem;
        }

        public String key() {
            return key;
        }

        public String value() {
            return value;
        }
    }
}
