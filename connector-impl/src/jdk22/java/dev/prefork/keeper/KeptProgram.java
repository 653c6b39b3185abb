package dev.prefork.keeper;

import dev.prefork.programs.ProgramSpec;
import dev.prefork.programs.RestartPolicy;

/** One entry of what is kept running, with its restart state (only the keeper's loop thread touches it). */
final class KeptProgram {
    /** Replaced when a SIGHUP reads a changed command (or copies) for this program's name. */
    ProgramSpec spec;
    RestartPolicy policy;
    /** No copy is started before this (the back-off after a quick exit). */
    long notBeforeMillis;
    /** crash_limit reached: never started again. */
    boolean givenUp;

    KeptProgram(ProgramSpec spec, int crashLimit) {
        this.spec = spec;
        this.policy = new RestartPolicy(crashLimit);
    }

    /** This entry with the command, copies and crash_limit a SIGHUP read (its running copies are restarted). */
    KeptProgram reconfigured(ProgramSpec next, int crashLimit) {
        spec = next;
        policy = new RestartPolicy(crashLimit);
        return this;
    }
}
