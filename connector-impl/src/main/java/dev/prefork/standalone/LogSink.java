package dev.prefork.standalone;

import java.io.IOException;

/** Where the launcher's log goes when not to standard error: a log_file, or syslog. */
interface LogSink {

    /** One of the launcher's own lines, as a notice (Net::Server's log_level 2). */
    void notice(String line);

    /** Starts writing to the destination anew (after logrotate renamed a file). */
    void reopen() throws IOException;
}
