package dev.prefork.keeper;

import dev.prefork.programs.ProgramSpec;
import dev.prefork.programs.RestartPolicy;

/** One entry of what is kept running, with its restart state (only the keeper's loop thread touches it). */
final class KeptProgram {
    final ProgramSpec spec;
    final RestartPolicy policy;
    /** No copy is started before this (the back-off after a quick exit). */
    long notBeforeMillis;
    /** crash_limit reached: never started again. */
    boolean givenUp;

    KeptProgram(ProgramSpec spec, int crashLimit) {
        this.spec = spec;
        this.policy = new RestartPolicy(crashLimit);
    }
}
