package dev.prefork.engine.launch;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzing the control messages the controlling JVM reads from its supervisor: whatever the lines, the
 * reader records what parses, logs what does not, and keeps reading (a reader that died would leave the
 * supervisor blocked on a full pipe). Seeds: every report kind with missing, extra and malformed fields.
 */
class SupervisorReportFuzzTest {
    private static final List<String> KINDS = List.of("bound", "ready", "fatal", "pool", "resource", "snapshot-begin",
            "worker", "snapshot-end", "stopped", "", "POOL", "bogus");

    @Provide
    Arbitrary<List<String>> reports() {
        Arbitrary<String> seeds = Arbitraries.of("pool", "pool 1", "pool x y", "pool 1 2 3", "bound", "bound 0",
                "snapshot-begin", "snapshot-begin x", "worker slot=1", "worker slot=x pid=1 port=0 state=zombie",
                "snapshot-end 1 target=x", "snapshot-end", "", " ", "pool -1 99999999999");
        Arbitrary<String> fields = Arbitraries.strings().withChars("0123456789 =-xabcdefghijklmnopqrstuvwxyz").ofMaxLength(60);
        Arbitrary<String> composed = net.jqwik.api.Combinators.combine(Arbitraries.of(KINDS), fields)
                .as((kind, rest) -> kind + " " + rest);
        Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(80);
        return Arbitraries.frequencyOf(Tuple.of(2, seeds), Tuple.of(6, composed), Tuple.of(2, anything))
                .list().ofMaxSize(20);
    }

    /** Held, so that its level (quiet while fuzzing: thousands of "unreadable" lines) is not lost to GC. */
    private static final java.util.logging.Logger PROCESS_LOG = java.util.logging.Logger.getLogger("dev.prefork.process");

    @Property(tries = 2000)
    void noReportLineStopsTheReader(@ForAll("reports") List<String> lines) {
        java.util.logging.Level level = PROCESS_LOG.getLevel();
        PROCESS_LOG.setLevel(java.util.logging.Level.OFF);
        try {
            SupervisorProcess supervisor = new SupervisorProcess(new StandInProcess());
            for (String line : lines) {
                supervisor.onReport(line); // throws nothing
            }
            supervisor.onReport("pool 3 4");
            assertEquals(3, supervisor.accepting(), "a good line after bad ones is still read");
        } finally {
            PROCESS_LOG.setLevel(level);
        }
    }

    /** A process that has nothing to say and takes whatever it is sent. */
    private static final class StandInProcess extends Process {
        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(new byte[0]);
        }

        @Override
        public InputStream getErrorStream() {
            return new ByteArrayInputStream(new byte[0]);
        }

        @Override
        public int waitFor() {
            return 0;
        }

        @Override
        public int exitValue() {
            return 0;
        }

        @Override
        public void destroy() {
        }

        @Override
        public long pid() {
            return 1;
        }
    }
}
