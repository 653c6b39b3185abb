package dev.prefork.standalone;

import java.io.IOException;
import java.io.PrintStream;

/**
 * Before the launcher installs its SIGHUP handler: a launcher started under {@code nohup} inherits SIGHUP
 * ignored, and the JVM would then install no handler at all, so its operator's HUP (re-read the settings,
 * reopen the log) would silently do nothing. Net::Server sets its HUP handler whatever it inherited; so does
 * this launcher, through {@code LauncherCalls.restoreHangupIfIgnored} (a native call: JDK 22+).
 */
final class HangupDisposition {
    private HangupDisposition() {
    }

    /** Restores SIGHUP's default when it was ignored, saying so on {@code out}; a failure is said and changes nothing. */
    static void restoreIfIgnored(PrintStream out) {
        if (ProcessJarCalls.unavailableReason() != null) {
            return; // JDK 17: the JVM keeps what it inherited
        }
        try {
            if ((Boolean) ProcessJarCalls.call("restoreHangupIfIgnored", new Class<?>[0])) {
                out.println("prefork: SIGHUP was ignored when this process started (nohup?); it is handled all the same,"
                        + " as Net::Server does");
            }
        } catch (IOException | RuntimeException e) {
            out.println("prefork: SIGHUP's disposition is left as inherited: " + e.getMessage());
        }
    }
}
