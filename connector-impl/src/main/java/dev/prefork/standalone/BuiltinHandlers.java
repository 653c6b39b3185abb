package dev.prefork.standalone;

import dev.prefork.bridge.ConnectionHandler;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/** The classic inetd services, for trying and measuring the engine with nothing but {@code nc}. */
public final class BuiltinHandlers {

    /** RFC 862: every byte back as it arrives. */
    public static final ConnectionHandler ECHO = connection -> {
        InputStream in = connection.getInputStream();
        OutputStream out = connection.getOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            out.flush();
        }
    };

    /** RFC 867: the date and time as one line, then close. */
    public static final ConnectionHandler DAYTIME = connection -> {
        String now = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("EEEE, MMMM d, uuuu HH:mm:ss-zzz", Locale.ROOT));
        connection.getOutputStream().write((now + "\r\n").getBytes(StandardCharsets.US_ASCII));
    };

    /** RFC 863: read everything, answer nothing. */
    public static final ConnectionHandler DISCARD = connection -> {
        connection.getInputStream().transferTo(OutputStream.nullOutputStream());
    };

    public static final Map<String, ConnectionHandler> BY_NAME = Map.of("echo", ECHO, "daytime", DAYTIME, "discard", DISCARD);

    private BuiltinHandlers() {
    }
}
