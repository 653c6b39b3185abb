package dev.prefork.keeper;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The dup2 plan that puts each source on its descriptor whatever numbers the sources have. */
class ProgramSpawnerTest {

    @Test
    void sourcesOnTargetNumbersAreCopiedAsideFirst() {
        // /dev/null on 4, the pipe on 3, the socket on 0 of this process (any number can come back from the kernel).
        int[] pairs = ProgramSpawner.placements(List.of(4, 3, 3, 0));
        assertArrayEquals(new int[] {4, 5, 3, 6, 3, 7, 0, 8, 5, 0, 6, 1, 7, 2, 8, 3}, pairs);
    }
}
