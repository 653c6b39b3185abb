package dev.prefork.bench.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Bar charts as PNG files, drawn by XChart. */
final class Charts {

    private Charts() {
    }

    /**
     * One bar group per category; one series per key of {@code series} (values in category order).
     *
     * @return the file name written (inside {@code dir})
     */
    static String bars(Path dir, String file, String title, String yTitle, List<String> categories,
                       Map<String, List<Double>> series, boolean stacked, boolean logarithmic) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(960).height(520).title(title).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setStacked(stacked);
        chart.getStyler().setYAxisLogarithmic(logarithmic);
        chart.getStyler().setLabelsVisible(!stacked && series.size() <= 3 && categories.size() <= 8);
        chart.getStyler().setXAxisLabelRotation(categories.size() > 4 ? 20 : 0);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setDecimalPattern("#,##0.#");
        for (Map.Entry<String, List<Double>> s : series.entrySet()) {
            List<Double> values = new ArrayList<>();
            for (Double v : s.getValue()) {
                // Log axes cannot show 0 or NaN; a tiny value keeps the bar slot without drawing one.
                values.add(v == null || v.isNaN() || (logarithmic && v <= 0) ? (logarithmic ? 1e-3 : 0.0) : v);
            }
            chart.addSeries(s.getKey(), categories, values);
        }
        String name = file.endsWith(".png") ? file.substring(0, file.length() - 4) : file;
        BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        return name + ".png";
    }

    static Map<String, List<Double>> single(String name, List<Double> values) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        m.put(name, values);
        return m;
    }
}
