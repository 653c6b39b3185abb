package dev.prefork.engine.launch;

import java.util.List;

/**
 * Recognises the lines a JDK 25 prints, as errors, at the start of every supervisor and worker JVM because of
 * the module options they need ({@code --add-exports} for a pidfd worker, native access for the supervisor and
 * a descriptor-passing worker): the JDK's own class-data-sharing archive was made without those options, so
 * the JVM does without the module graph archived in it. The archive, and the worker's own archive on top of it,
 * are mapped and used all the same ({@code -Xlog:class+load} says "source: shared objects file (top)" for our
 * classes; the cost is a few milliseconds of CPU per start, measured in docs/benchmarks/ANALYSIS.md, "Issue 13,
 * fifth pass"). Logged as they came, they were three "[error][cds]" lines per worker start, in every pool's log,
 * about nothing an operator can or need change; so they are logged at FINE instead. Any other line of the
 * archive's, a stale or damaged archive's included, keeps its level.
 */
final class ModuleOptionNotices {
    /** What the JVM prints after its uptime, {@code [0.032s]}, for each of the lines. */
    private static final String TAGS = "[error][cds] ";
    private static final List<String> TEXTS = List.of(
            "Mismatched values for property jdk.module.",
            "Disabling optimized module handling",
            "An error has occurred while processing the shared archive file. Run with -Xlog:aot,cds for details.");

    private ModuleOptionNotices() {
    }

    /** Whether {@code line}, as a JVM printed it, is one of those notices. */
    static boolean isModuleOptionNotice(String line) {
        int tags = line.indexOf(TAGS);
        if (tags < 0 || !line.startsWith("[")) {
            return false;
        }
        String text = line.substring(tags + TAGS.length());
        for (String known : TEXTS) {
            if (text.startsWith(known)) {
                return true;
            }
        }
        return false;
    }
}
