package dev.prefork.bench.report;

/** Labels the recycling scenario and the report agree on. */
public final class RecyclingLabels {
    public static final String UNLIMITED = "prefork mr=0";

    private RecyclingLabels() {
    }

    public static String of(int maxRequests, String variant) {
        return "prefork mr=" + maxRequests + (variant.isEmpty() ? "" : " " + variant);
    }
}
