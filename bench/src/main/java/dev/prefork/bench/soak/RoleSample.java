package dev.prefork.bench.soak;

/**
 * One role's processes (launcher, supervisor, workers) at one instant: how many, and their open
 * descriptors, threads and memory summed; {@code zombies} counts children that exited and were not reaped.
 */
record RoleSample(long secondsIn, String role, int processes, int zombies, long descriptors, long threads,
                  long rssKb, long pssKb) {

    static String csvHeader() {
        return "seconds,role,processes,zombies,descriptors,threads,rss_kb,pss_kb";
    }

    String csv() {
        return secondsIn + "," + role + "," + processes + "," + zombies + "," + descriptors + "," + threads + ","
                + rssKb + "," + pssKb;
    }

    /** Per process, so that a worker count that moves with recycling does not look like a leak. */
    double perProcess(long total) {
        return processes == 0 ? 0 : (double) total / processes;
    }
}
