package dev.prefork.supervisor;

import dev.prefork.engine.launch.CacheDirectory;
import dev.prefork.engine.protocol.ProcessLog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workers' class-data-sharing archive. With it a worker starts with about a quarter less CPU and a
 * quarter less PSS, because the classes it loads come mapped and shared instead of parsed and private
 * (measured: 100 → 75 ms, 29 → 23 MB). Its {@link Format} depends on the JDK: from JDK 25 an AOT cache,
 * before that a dynamic AppCDS archive layered on the JDK's own.
 *
 * <p>There is no training step of its own: the first worker spawned while no archive exists dumps the
 * classes it used, at its exit, into a file of its own, and when it exits cleanly the supervisor moves
 * that file into place; every later spawn maps it. The archive's name is derived from everything that
 * would make the JVM reject it (the jar's path, size and time, the JDK, the worker options), so a
 * changed setup gets a new archive instead of warnings.
 */
final class WorkerArchive {
    private static final int KEPT_ARCHIVES = 8;
    /** An archive's file name, in either format: "worker-", the identity's digest, the format's suffix. */
    private static final String ARCHIVE_NAME = "worker-[0-9a-f]+\\.(?:jsa|aot)";
    /** A dump under way or left behind: the archive's name, the supervisor's pid, and the AOT run's recorded configuration. */
    private static final Pattern PARTIAL = Pattern.compile(ARCHIVE_NAME + "\\.([0-9]{1,10})\\.partial(?:\\.config)?");

    /** How a JDK writes and maps the archive. */
    enum Format {
        /**
         * A dynamic archive on top of the JDK's own (JDK 22 to 24). A worker's module options (native access,
         * {@code --add-exports}) differ from those the JDK's archive was made with, so the JVM maps that archive
         * without its module graph and builds the graph at each start.
         */
        DYNAMIC(".jsa", "-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile=", List.of("-Xlog:cds=error", "-Xlog:cds+dynamic=error")),
        /**
         * A JDK 25 AOT cache (JEP 483, 514): one archive of the JDK's classes and the worker's, made with the
         * worker's own module options, so it keeps the archived module graph and its classes come loaded and
         * linked: about 20 ms of CPU less per worker start than the dynamic archive
         * (docs/benchmarks/ANALYSIS.md, "Issue 13, sixth pass"). At its exit the training worker starts a child
         * JVM that assembles the cache (once per archive, about a second of CPU).
         */
        AOT_CACHE(".aot", "-XX:AOTCacheOutput=", "-XX:AOTCache=", List.of("-Xlog:aot=error", "-Xlog:cds=error"));

        private final String suffix;
        private final String dumpOption;
        private final String mapOption;
        private final List<String> quietDump;

        Format(String suffix, String dumpOption, String mapOption, List<String> quietDump) {
            this.suffix = suffix;
            this.dumpOption = dumpOption;
            this.mapOption = mapOption;
            this.quietDump = quietDump;
        }

        /** The format workers on a JDK of {@code feature} use. */
        static Format forJdk(int feature) {
            return feature >= 25 ? AOT_CACHE : DYNAMIC;
        }
    }

    private final Format format;
    private final Path archive;
    private long lastMarkedMillis;
    private final ProcessLog log;
    private Path pendingDump;
    private long trainerPid;

    private WorkerArchive(Format format, Path archive, ProcessLog log) {
        this.format = format;
        this.archive = archive;
        this.log = log;
    }

    static WorkerArchive disabled(ProcessLog log) {
        return new WorkerArchive(Format.DYNAMIC, null, log);
    }

    static WorkerArchive in(Path cacheDir, Path jar, Path javaHome, Format format, List<String> workerOptions, ProcessLog log) {
        try {
            String identity = jar.toAbsolutePath() + "\n" + Files.size(jar) + "\n" + Files.getLastModifiedTime(jar).toMillis()
                    + "\n" + javaHome + "\n" + Runtime.version() + "\n" + String.join(" ", workerOptions);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return new WorkerArchive(format, cacheDir.resolve("worker-" + HexFormat.of().formatHex(digest, 0, 8) + format.suffix), log);
        } catch (IOException | NoSuchAlgorithmException e) {
            log.warning("workers start without a class-data-sharing archive: " + e);
            return disabled(log);
        }
    }

    /** JVM options for the next spawn: map the archive, or dump one, or neither while a dump is under way. */
    List<String> optionsForNextSpawn() {
        if (archive == null || pendingDump != null) {
            return List.of();
        }
        if (Files.isReadable(archive)) {
            markInUse();
            return List.of(format.mapOption + archive);
        }
        removeDumpsOfGoneSupervisors();
        pendingDump = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
        // The dump lists every class it leaves out (JFR events and the like) as a warning: noise in the log.
        List<String> options = new ArrayList<>();
        options.add(format.dumpOption + pendingDump);
        options.addAll(format.quietDump);
        return List.copyOf(options);
    }

    /**
     * Pruning keeps the newest archives: an archive this pool maps is made newest again (at most once a
     * minute), or pools with other options would push it out while it is in use and every later worker
     * would start without it.
     */
    private void markInUse() {
        long now = System.currentTimeMillis();
        if (now - lastMarkedMillis < 60_000) {
            return;
        }
        lastMarkedMillis = now;
        try {
            Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(now));
        } catch (IOException e) {
            log.fine("could not mark the class-data-sharing archive as in use: " + e);
        }
    }

    /** Called right after a spawn that used {@link #optionsForNextSpawn()}. */
    void spawned(long pid, List<String> options) {
        if (trains(options)) {
            trainerPid = pid;
        }
    }

    /**
     * Whether a worker started with {@code options} (from {@link #optionsForNextSpawn()}) starts a child JVM at its
     * exit: the trainer of an AOT cache does, to assemble the cache; a dynamic archive is dumped in the worker itself.
     */
    boolean startsAChildAtExit(List<String> options) {
        return format == Format.AOT_CACHE && trains(options);
    }

    private boolean trains(List<String> options) {
        return !options.isEmpty() && options.get(0).startsWith(format.dumpOption);
    }

    /** Called when a child exited: the trainer's dump becomes the archive if it exited cleanly. */
    void exited(long pid, boolean cleanly) {
        if (pid != trainerPid || pendingDump == null) {
            return;
        }
        Path dump = pendingDump;
        pendingDump = null;
        trainerPid = 0;
        try {
            if (cleanly && Files.size(dump) > 0) {
                try {
                    Files.move(dump, archive, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(dump, archive, StandardCopyOption.REPLACE_EXISTING);
                }
                log.info("workers now start from the class-data-sharing archive " + archive);
                pruneOldArchives();
            }
        } catch (IOException e) {
            log.fine("no class-data-sharing archive from worker " + pid + ": " + e);
        } finally {
            deletePartial(dump);
        }
    }

    /**
     * Keeps the cache bounded: every rebuilt jar or changed option makes a new archive, so only the most
     * recent few are kept. A pool still mapping a removed one keeps its mapping; its next workers retrain.
     */
    private void pruneOldArchives() {
        try {
            CacheDirectory.keepNewest(archive.getParent(), ARCHIVE_NAME, KEPT_ARCHIVES);
        } catch (IOException e) {
            log.fine("could not prune old class-data-sharing archives: " + e);
        }
    }

    /** A dump that never finished (the trainer outlived the pool) is removed with the pool. */
    void discardPending() {
        if (pendingDump != null) {
            deletePartial(pendingDump);
        }
    }

    /**
     * Dumps whose supervisor is gone: a pool stopped with a force that killed its training worker, or the child
     * JVM assembling an AOT cache, which a killed trainer leaves running to write its file. Named by the
     * supervisor's pid, so that pools sharing the cache leave each other's dumps alone.
     */
    private void removeDumpsOfGoneSupervisors() {
        try (var files = Files.list(archive.getParent())) {
            for (Path file : files.toList()) {
                Matcher dump = PARTIAL.matcher(file.getFileName().toString());
                if (dump.matches() && ProcessHandle.of(Long.parseLong(dump.group(1))).isEmpty()) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.fine("could not look for dumps of stopped pools: " + e);
        }
    }

    private static void deletePartial(Path dump) {
        try {
            Files.deleteIfExists(dump);
            // An AOT training run that did not reach its exit leaves its recorded configuration beside the dump.
            Files.deleteIfExists(dump.resolveSibling(dump.getFileName() + ".config"));
        } catch (IOException ignored) {
            // a stray partial dump in the cache is harmless
        }
    }
}
