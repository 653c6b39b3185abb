package dev.prefork.engine.config;

/** The syslog facilities of RFC 3164 (and glibc's syslog.h) by name, for Net::Server's {@code syslog_facility}. */
public enum SyslogFacility {
    KERN, USER, MAIL, DAEMON, AUTH, SYSLOG, LPR, NEWS, UUCP, CRON, AUTHPRIV, FTP,
    LOCAL0, LOCAL1, LOCAL2, LOCAL3, LOCAL4, LOCAL5, LOCAL6, LOCAL7;

    /** The facility's number, which times 8 plus the severity is a message's priority. */
    public int code() {
        // kern..ftp are 0..11; 12..15 are ntp, security, console and solaris-cron, which Linux does not name; local0 is 16.
        return ordinal() < LOCAL0.ordinal() ? ordinal() : 16 + ordinal() - LOCAL0.ordinal();
    }
}
