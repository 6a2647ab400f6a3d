package io.vae4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vae4j.core.io.AtomicFiles;
import io.vae4j.mnist.bench.InstructionSetLimit;
import static io.vae4j.mnist.viz.Html.esc;

import io.vae4j.mnist.viz.Charts;
import io.vae4j.mnist.viz.Html;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run's pictures: for each benchmark, samples/s against batch size, one line per backend and native build;
 * with the side-by-side sweep, vae4j and PyTorch by batch size and by cores and their ratio; as PNG files and in
 * {@code bench.html}, one self-contained page with the run's table.
 */
final class BenchPage {
    private BenchPage() {
    }

    /**
     * Writes {@code bench-<benchmark>.png} for every benchmark measured at more than one batch size, and
     * {@code bench.html}.
     *
     * @return the PNG files written
     */
    static List<Path> write(JsonNode report, String markdown, Path dir) throws IOException {
        // benchmark/model -> series (backend and native build) -> batch -> samples/s
        Map<String, Map<String, Map<Integer, Double>>> data = new TreeMap<>();
        for (JsonNode r : report.path("rows")) {
            if (!r.has("samples_per_s") || r.path("batch").asInt() <= 0) {
                continue;
            }
            String chart = r.get("benchmark").asText() + " (" + r.get("model").asText() + ")";
            int threads = r.path("threads").asInt();
            String series = r.get("backend").asText() + ", " + r.path("native").asText("?") + ", " + threads
                    + (threads == 1 ? " thread" : " threads");
            data.computeIfAbsent(chart, k -> new TreeMap<>()).computeIfAbsent(series, k -> new TreeMap<>())
                    .put(r.get("batch").asInt(), r.get("samples_per_s").asDouble());
        }
        List<Path> pngs = new ArrayList<>();
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>vae4j benchmarks</title><style>body{font-family:sans-serif;margin:2em;color:#222}"
                + "figure{display:inline-block;margin:0 1.5em 1.5em 0}pre{background:#f6f6f6;padding:1em;"
                + "overflow-x:auto}</style></head><body>\n<h1>vae4j benchmarks</h1>\n");
        JsonNode m = report.path("machine");
        h.append("<p>").append(esc(m.path("cpu").asText("?") + ", " + report.path("cores").asInt() + " cores"
                + InstructionSetLimit.note(m) + ", " + report.path("protocol").asText("?") + " mode, "
                + report.path("date").asText(""))).append("</p>\n");
        // vae4j beside PyTorch first: what most readers of the page came for
        for (Map.Entry<String, BufferedImage> c : peerCharts(report.path("peer").path("sweep")).entrySet()) {
            pngs.add(figure(c.getKey(), c.getValue(), dir, h));
        }
        for (Map.Entry<String, Map<String, Map<Integer, Double>>> c : data.entrySet()) {
            boolean sweep = c.getValue().values().stream().anyMatch(s -> s.size() > 1);
            if (!sweep) {
                continue;
            }
            List<Charts.Line> lines = new ArrayList<>();
            for (Map.Entry<String, Map<Integer, Double>> s : c.getValue().entrySet()) {
                lines.add(new Charts.Line(s.getKey(), new ArrayList<>(s.getValue().keySet()),
                        new ArrayList<>(s.getValue().values())));
            }
            BufferedImage img = Charts.sweep(c.getKey() + ": samples/s by batch size", "batch size", "samples/s",
                    lines);
            pngs.add(figure(c.getKey(), img, dir, h));
        }
        h.append("<pre>").append(esc(markdown)).append("</pre>\n</body></html>\n");
        String html = h.toString();
        AtomicFiles.write(dir.resolve("bench.html"), o -> o.write(html.getBytes(StandardCharsets.UTF_8)));
        return pngs;
    }

    /** Writes the chart as {@code bench-<key>.png} and adds it to the page. */
    private static Path figure(String key, BufferedImage img, Path dir, StringBuilder h) throws IOException {
        String name = "bench-" + key.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-$", "")
                .toLowerCase(java.util.Locale.ROOT) + ".png";
        Path file = dir.resolve(name);
        byte[] bytes = Html.png(img);
        AtomicFiles.write(file, o -> o.write(bytes));
        Html.figure(h, bytes, key);
        return file;
    }

    /**
     * The side-by-side sweep's charts: steady samples/s of vae4j and PyTorch by batch size (a line per
     * implementation and core count), vae4j's ratio to PyTorch by batch size (a line per core count), and samples/s
     * by core count (a line per implementation and batch size). Empty without a sweep.
     */
    static Map<String, BufferedImage> peerCharts(JsonNode sweep) {
        // impl -> cores -> batch -> steady samples/s
        Map<String, Map<Integer, Map<Integer, Double>>> rate = new TreeMap<>();
        Map<Integer, Map<Integer, Double>> ratio = new TreeMap<>();
        for (JsonNode r : sweep) {
            if (!r.has("steady")) {
                continue;
            }
            String impl = r.get("impl").asText().equals("vae4j") ? "vae4j" : "PyTorch";
            int cores = r.get("cores").asInt();
            int batch = r.get("batch").asInt();
            rate.computeIfAbsent(impl, k -> new TreeMap<>()).computeIfAbsent(cores, k -> new TreeMap<>())
                    .put(batch, r.get("steady").asDouble());
            if (r.has("ratio_steady")) {
                ratio.computeIfAbsent(cores, k -> new TreeMap<>()).put(batch, r.get("ratio_steady").asDouble());
            }
        }
        Map<String, BufferedImage> charts = new java.util.LinkedHashMap<>();
        if (rate.isEmpty()) {
            return charts;
        }
        List<Charts.Line> byBatch = new ArrayList<>();
        Map<String, Map<Integer, Double>> byCores = new TreeMap<>();
        rate.forEach((impl, perCores) -> perCores.forEach((cores, perBatch) -> {
            byBatch.add(new Charts.Line(impl + ", " + cores + (cores == 1 ? " core" : " cores"),
                    new ArrayList<>(perBatch.keySet()), new ArrayList<>(perBatch.values())));
            perBatch.forEach((batch, v) -> byCores.computeIfAbsent(String.format(java.util.Locale.ROOT,
                    "%s, batch %4d", impl, batch), k -> new TreeMap<>()).put(cores, v));
        }));
        charts.put("side by side: training samples/s by batch size", Charts.sweep("Training on MNIST, steady "
                + "samples/s by batch size", "batch size", "samples/s", byBatch));
        List<Charts.Line> ratios = new ArrayList<>();
        ratio.forEach((cores, perBatch) -> ratios.add(new Charts.Line(cores + (cores == 1 ? " core" : " cores"),
                new ArrayList<>(perBatch.keySet()), new ArrayList<>(perBatch.values()))));
        if (!ratios.isEmpty()) {
            charts.put("side by side: vae4j to PyTorch by batch size", Charts.sweep("vae4j / PyTorch, steady "
                    + "training samples/s (above 1: vae4j faster)", "batch size", "ratio", ratios));
        }
        List<Charts.Line> cores = new ArrayList<>();
        byCores.forEach((name, perCores) -> cores.add(new Charts.Line(name, new ArrayList<>(perCores.keySet()),
                new ArrayList<>(perCores.values()))));
        if (byCores.values().stream().anyMatch(m -> m.size() > 1)) {
            charts.put("side by side: training samples/s by cores", Charts.sweep("Training on MNIST, steady "
                    + "samples/s by cores", "cores", "samples/s", cores));
        }
        return charts;
    }
}
