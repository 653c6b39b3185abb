package dev.prefork.engine.launch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three lines JDK 25.0.3 prints at every pidfd worker's start (copied from a pool's log), and lines that are not them. */
class ModuleOptionNoticesTest {
    @Test
    void theLinesEveryWorkerStartPrintsAreRecognised() {
        assertTrue(ModuleOptionNotices.isModuleOptionNotice("[0.032s][error][cds] An error has occurred while processing the shared"
                + " archive file. Run with -Xlog:aot,cds for details."));
        assertTrue(ModuleOptionNotices.isModuleOptionNotice("[0.032s][error][cds] Mismatched values for property"
                + " jdk.module.addexports: java.base/sun.nio.ch=ALL-UNNAMED specified during runtime but not during dump time"));
        assertTrue(ModuleOptionNotices.isModuleOptionNotice("[0.040s][error][cds] Disabling optimized module handling"));
    }

    @Test
    void otherArchiveLinesAndOtherLinesKeepTheirLevel() {
        assertFalse(ModuleOptionNotices.isModuleOptionNotice("[0.012s][error][cds] The shared archive file was created by a different"
                + " version or build of HotSpot"));
        assertFalse(ModuleOptionNotices.isModuleOptionNotice("[0.020s][warning][cds] Disabling optimized module handling"));
        assertFalse(ModuleOptionNotices.isModuleOptionNotice("WARNING [worker 123 pool] Disabling optimized module handling"));
        assertFalse(ModuleOptionNotices.isModuleOptionNotice("INFO [worker 1 p] [error][cds] Disabling optimized module handling"));
        assertFalse(ModuleOptionNotices.isModuleOptionNotice(""));
    }
}
