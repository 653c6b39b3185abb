package dev.prefork.bench.soak;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * Judges and writes down one soak: failures by kind (and each one's instant in failures.csv), and for
 * every role whether descriptors, threads and memory per process drifted between the first minute after
 * warm-up and the last minute, with a plot of each over time.
 */
final class SoakReport {
    /** Samples before this are warm-up: JIT, class loading and the first recycling settle. */
    private static final long WARM_UP_SECONDS = 60;
    private static final long WINDOW_SECONDS = 60;
    /** The supervisor's Successors.aheadLimit: workers a pool starts before recycling ones end (one for a pool of one). */
    private static int successorsAhead(int workers) {
        return workers <= 1 ? 1 : 2;
    }

    /** One quantity's means in the two windows, and whether the growth is within its allowance. */
    record Drift(String role, String quantity, double early, double late, boolean flat) {
    }

    private final SoakMain.SoakOptions options;
    private final String startedAt;
    private final String loadBefore;
    private final String loadAfter;
    private final long answered;
    private final FailureLog failures;
    private final List<RoleSample> samples;
    private final boolean serverAlive;
    private final List<Drift> drifts = new ArrayList<>();

    SoakReport(SoakMain.SoakOptions options, String startedAt, String loadBefore, String loadAfter, long answered,
               FailureLog failures, List<RoleSample> samples, boolean serverAlive) {
        this.options = options;
        this.startedAt = startedAt;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
        this.answered = answered;
        this.failures = failures;
        this.samples = samples;
        this.serverAlive = serverAlive;
        judge();
    }

    private void judge() {
        long end = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).secondsIn();
        for (String role : roles()) {
            // Allowances: a few descriptors or threads come and go with the connections in flight; memory
            // settles within 10 % after warm-up unless something accumulates.
            check(role, "descriptors per process", s -> s.descriptors(), end, 3);
            check(role, "threads per process", s -> s.threads(), end, 2);
            check(role, "RSS per process (kB)", s -> s.rssKb(), end, 0);
            // The worker count moves by design: successors start ahead of a recycling worker's end, so a pool runs
            // up to two workers over max_servers; only more than that, on average, is a leak.
            double bound = role.equals("worker") ? options.workers() + successorsAhead(options.workers()) : 0;
            check(role, "processes", s -> s.processes(), end, 1, bound);
        }
    }

    private void check(String role, String quantity, ToLongFunction<RoleSample> value, long end, double slack) {
        check(role, quantity, value, end, slack, 0);
    }

    /** {@code bound}: a late mean up to it is flat whatever the early one was (0: none). */
    private void check(String role, String quantity, ToLongFunction<RoleSample> value, long end, double slack, double bound) {
        boolean perProcess = quantity.endsWith("per process") || quantity.contains("per process (");
        double early = mean(role, value, perProcess, WARM_UP_SECONDS, WARM_UP_SECONDS + WINDOW_SECONDS);
        double late = mean(role, value, perProcess, end - WINDOW_SECONDS + 1, end + 1);
        if (Double.isNaN(early) || Double.isNaN(late)) {
            return; // too short a run to judge
        }
        double allowed = Math.max(bound, early * (quantity.startsWith("RSS") ? 1.10 : 1.0) + slack);
        drifts.add(new Drift(role, quantity, early, late, late <= allowed));
    }

    private double mean(String role, ToLongFunction<RoleSample> value, boolean perProcess, long from, long to) {
        return samples.stream().filter(s -> s.role().equals(role) && s.secondsIn() >= from && s.secondsIn() < to)
                .mapToDouble(s -> perProcess ? s.perProcess(value.applyAsLong(s)) : value.applyAsLong(s))
                .average().orElse(Double.NaN);
    }

    private TreeSet<String> roles() {
        TreeSet<String> roles = new TreeSet<>();
        samples.forEach(s -> roles.add(s.role()));
        return roles;
    }

    boolean clean() {
        return serverAlive && failures.total() == 0 && drifts.stream().allMatch(Drift::flat) && maxZombies() <= 1;
    }

    /** A worker is a zombie for an instant between its exit and the supervisor's wait; more means no one waits. */
    private long maxZombies() {
        return samples.stream().mapToLong(RoleSample::zombies).max().orElse(0);
    }

    String verdict() {
        return String.format(Locale.ROOT, "%d requests answered, %d failed, %s", answered, failures.total(),
                drifts.stream().allMatch(Drift::flat) ? "no drift" : "DRIFT in " + drifts.stream().filter(d -> !d.flat())
                        .map(d -> d.role() + " " + d.quantity()).toList());
    }

    void write(Path dir) throws IOException {
        List<String> failureLines = new ArrayList<>();
        failureLines.add("instant,client,mode,what");
        for (FailureLog.Failure f : failures.kept()) {
            failureLines.add(f.at() + "," + f.client() + "," + f.mode() + ",\"" + f.what().replace("\"", "'") + "\"");
        }
        Files.write(dir.resolve("failures.csv"), failureLines);
        List<String> plots = List.of(
                plot(dir, "soak-descriptors", "Open descriptors per process", s -> s.descriptors(), true),
                plot(dir, "soak-threads", "Threads per process", s -> s.threads(), true),
                plot(dir, "soak-rss", "RSS per process (kB)", s -> s.rssKb(), true),
                plot(dir, "soak-processes", "Processes (zombies are counted too)", s -> s.processes(), false));
        StringBuilder md = new StringBuilder();
        md.append("# Soak: a recycling pool under steady load\n\n");
        md.append("Regenerated by `bench/soak` (options below); not part of `bin/test`. Started ").append(startedAt)
                .append(", load average before `").append(loadBefore).append("`, after `").append(loadAfter).append("`.\n\n");
        md.append(String.format(Locale.ROOT, "- Pool: the standalone engine, %d workers, `max_requests %d`, echo handler%s.%n",
                options.workers(), options.maxRequests(), options.settings().isEmpty() ? ""
                        : ", and " + options.settings().entrySet().stream().map(e -> "`" + e.getKey() + " '" + e.getValue() + "'`")
                                .collect(java.util.stream.Collectors.joining(", "))));
        md.append(String.format(Locale.ROOT, "- Load for %d min: %d clients opening a connection per request at %.0f/s each, "
                        + "%d keep-alive clients at %.0f requests/s each; 5-s connect and read timeouts.%n",
                options.minutes(), options.connClients(), options.connRate(), options.keepAliveClients(), options.keepAliveRate()));
        md.append(String.format(Locale.ROOT, "- Sampled every %d s: descriptors, threads, RSS, PSS, processes and zombies of every process, by role.%n%n",
                options.sampleSeconds()));
        md.append("**Result: ").append(clean() ? "clean" : "NOT clean").append("** — ").append(verdict())
                .append(serverAlive ? "" : "; the server died").append(", at most ").append(maxZombies())
                .append(" zombie(s) in one sample.\n\n");
        md.append("| failures by kind | count |\n|---|---:|\n");
        Map<String, Long> byKind = failures.countsByKind();
        if (byKind.isEmpty()) {
            md.append("| none | 0 |\n");
        }
        byKind.forEach((kind, n) -> md.append("| ").append(kind).append(" | ").append(n).append(" |\n"));
        md.append("\nEach failure's instant and client are in `failures.csv`, to lay beside the pool's log.\n\n");
        md.append(String.format(Locale.ROOT, "| role | quantity | mean %d–%d s | mean of the last %d s | flat |%n|---|---|---:|---:|---|%n",
                WARM_UP_SECONDS, WARM_UP_SECONDS + WINDOW_SECONDS, WINDOW_SECONDS));
        for (Drift d : drifts) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %s |%n", d.role(), d.quantity(), d.early(), d.late(), d.flat() ? "yes" : "**no**"));
        }
        md.append("\n");
        for (String plot : plots) {
            md.append("![").append(plot).append("](").append(plot).append(")\n");
        }
        md.append("\nRaw samples: `samples.csv`.\n");
        Files.writeString(dir.resolve("README.md"), md.toString());
    }

    private String plot(Path dir, String file, String title, ToLongFunction<RoleSample> value, boolean perProcess) throws IOException {
        XYChart chart = new XYChartBuilder().width(960).height(420).title(title).xAxisTitle("seconds").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setYAxisMin(0.0);
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (RoleSample s : samples) {
            double y = perProcess ? s.perProcess(value.applyAsLong(s)) : value.applyAsLong(s);
            series.computeIfAbsent(s.role(), k -> new ArrayList<>()).add(new double[] {s.secondsIn(), y});
        }
        series.forEach((role, points) -> {
            if (!points.isEmpty()) {
                chart.addSeries(role, points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray())
                        .setMarker(SeriesMarkers.NONE);
            }
        });
        if (series.isEmpty()) {
            chart.addSeries("none", new double[] {0}, new double[] {0});
        }
        BitmapEncoder.saveBitmap(chart, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
        return file + ".png";
    }
}
