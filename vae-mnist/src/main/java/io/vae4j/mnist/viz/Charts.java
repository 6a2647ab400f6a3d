package io.vae4j.mnist.viz;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Charts drawn with XChart: loss curves, the latent scatter, and throughput against batch size. */
public final class Charts {
    /** Ten distinguishable colours, one per digit (Tableau 10). */
    private static final Color[] DIGIT_COLORS = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private Charts() {
    }

    /** A named series of (x, y) points for a line chart. */
    public record Line(String name, List<? extends Number> x, List<? extends Number> y) {
    }

    /** Loss curves: one line per series, epochs on x, nats per image on y. */
    public static BufferedImage lines(String title, String xLabel, String yLabel, List<Line> lines) {
        XYChart chart = new XYChartBuilder().width(720).height(420).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        for (Line l : lines) {
            if (!l.x().isEmpty()) {
                chart.addSeries(l.name(), l.x(), l.y()).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * Throughput against batch size: one line per series, y from 0, the legend below the plot so that no point
     * hides behind it.
     */
    public static BufferedImage sweep(String title, String xLabel, String yLabel, List<Line> lines) {
        XYChart chart = new XYChartBuilder().width(720).height(460).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setYAxisMin(0.0);
        for (Line l : lines) {
            if (!l.x().isEmpty()) {
                chart.addSeries(l.name(), l.x(), l.y()).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** A scatter of 2-D points coloured by label (0-9), one legend entry per label. */
    public static BufferedImage scatter(String title, String xLabel, String yLabel, double[][] points, int[] labels) {
        XYChart chart = new XYChartBuilder().width(640).height(600).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(4);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        for (int d = 0; d < 10; d++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < points.length; i++) {
                if (labels[i] == d) {
                    xs.add(points[i][0]);
                    ys.add(points[i][1]);
                }
            }
            if (!xs.isEmpty()) {
                XYSeries s = chart.addSeries(Integer.toString(d), xs, ys);
                s.setMarker(SeriesMarkers.CIRCLE);
                s.setMarkerColor(DIGIT_COLORS[d]);
            }
        }
        return BitmapEncoder.getBufferedImage(chart);
    }
}
