package dev.prefork.bench.proc;

/**
 * One process as /proc shows it at one moment. CPU is in clock ticks: {@code ownTicks} is the process's
 * own utime+stime (all its threads), {@code reapedChildTicks} is cutime+cstime, the CPU of children it
 * has already waited for (recycled workers end up there, in their supervisor's entry).
 */
public record ProcInfo(long pid, long ppid, String comm, String cmdline, long ownTicks, long reapedChildTicks,
                       long startTicks) {

    public long totalTicks() {
        return ownTicks + reapedChildTicks;
    }
}
