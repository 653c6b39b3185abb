package dev.prefork.bench.scenario;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scrapes a pool's status port the way Prometheus would ({@code /status?openmetrics}, once a second)
 * beside the measured clients, so that a round with scraping can be compared with one without. Counts
 * what it got; never throws into the round.
 */
final class StatusScraper implements AutoCloseable {
    private final Thread thread;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean stop;

    private StatusScraper(URI uri, Duration every) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build();
        thread = new Thread(() -> {
            while (!stop) {
                long next = System.nanoTime() + every.toNanos();
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    (response.statusCode() == 200 && response.body().contains("# EOF") ? ok : failed).incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
                long wait = next - System.nanoTime();
                if (wait > 0 && !stop) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "bench-status-scraper");
        thread.setDaemon(true);
    }

    static StatusScraper start(URI uri) {
        StatusScraper scraper = new StatusScraper(uri, Duration.ofSeconds(1));
        scraper.thread.start();
        return scraper;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(5000);
    }

    @Override
    public String toString() {
        return "scrapes ok " + ok.get() + " failed " + failed.get();
    }
}
