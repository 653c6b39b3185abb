package dev.prefork.bench.server;

/** Memory of the processes of one role: how many, summed RSS and PSS, and the median per process (kB). */
public record RoleMemory(String role, int processes, long rssKb, long pssKb, long medianRssKb, long medianPssKb) {
}
