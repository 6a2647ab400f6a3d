package io.vae4j.mnist.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vae4j.core.io.AtomicFiles;
import io.vae4j.mnist.run.RunFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Puts benchmark result files ({@code bench-results.json}) from several machines or backends side by side: one
 * table and one self-contained page with the samples/s of every benchmark in each file and the ratio to the first
 * file's. Files of another result format, or measured with another protocol (quick or full mode), are refused: their
 * numbers do not compare.
 */
public final class BenchComparison {
    /** The version of the result format the runner writes; a comparison reads this version only. */
    public static final int FORMAT = 3;

    private BenchComparison() {
    }

    /** One result file, checked. */
    record Result(Path file, JsonNode json, String label) {
    }

    /**
     * Compares the files and writes compare.md, compare.json and compare.html into {@code out}.
     *
     * @return the Markdown table
     * @throws IllegalArgumentException naming the file and what is wrong when files cannot be compared
     */
    public static String compare(List<Path> files, Path out) throws IOException {
        if (files.size() < 2) {
            throw new IllegalArgumentException("give at least two result files (bench-results.json) to compare");
        }
        List<Result> results = new ArrayList<>();
        for (Path f : files) {
            results.add(read(f));
        }
        String protocol = results.get(0).json().path("protocol").asText();
        for (Result r : results) {
            if (!r.json().path("protocol").asText().equals(protocol)) {
                throw new IllegalArgumentException(r.file() + " was measured with protocol " + r.json()
                        .path("protocol").asText() + " but " + results.get(0).file() + " with " + protocol
                        + ": compare files of one protocol (both --quick or both --full)");
            }
        }
        // every benchmark key, in the order first seen
        Set<String> keys = new LinkedHashSet<>();
        List<Map<String, JsonNode>> byKey = new ArrayList<>();
        for (Result r : results) {
            Map<String, JsonNode> m = new LinkedHashMap<>();
            for (JsonNode row : r.json().path("rows")) {
                if (row.has("key") && row.has("samples_per_s")) {
                    String key = row.get("backend").asText() + " " + row.get("key").asText();
                    keys.add(key);
                    m.put(key, row);
                }
            }
            byKey.add(m);
        }
        StringBuilder md = new StringBuilder();
        md.append("Benchmarks compared (protocol ").append(protocol).append("); ratio = samples/s over the first "
                + "file's\n\n");
        for (int i = 0; i < results.size(); i++) {
            md.append(String.format(Locale.ROOT, "- **%s**: %s%n", (char) ('A' + i), describe(results.get(i))));
        }
        md.append("\n| backend and benchmark | model | batch |");
        for (int i = 0; i < results.size(); i++) {
            md.append(' ').append((char) ('A' + i)).append(" samples/s |");
            if (i > 0) {
                md.append(' ').append((char) ('A' + i)).append(" / A |");
            }
        }
        md.append("\n|---|---|---|").append("---|".repeat(2 * results.size() - 1)).append('\n');
        ArrayNode merged = RunFiles.JSON.createArrayNode();
        for (String key : keys) {
            JsonNode any = byKey.stream().filter(m -> m.containsKey(key)).findFirst().orElseThrow().get(key);
            String[] parts = key.split("/");
            md.append("| ").append(key.substring(0, key.indexOf(' ')).toUpperCase(Locale.ROOT)).append(' ')
                    .append(any.get("benchmark").asText())
                    .append(parts.length > 3 ? ", " + parts[3] : "").append(" | ").append(any.get("model").asText())
                    .append(" | ").append(any.get("batch").asInt()).append(" |");
            ObjectNode row = merged.addObject().put("key", key);
            Double first = rate(byKey.get(0).get(key));
            for (int i = 0; i < results.size(); i++) {
                Double v = rate(byKey.get(i).get(key));
                md.append(v == null ? " n/a |" : String.format(Locale.ROOT, " %,.0f |", v));
                row.put(String.valueOf((char) ('A' + i)), v);
                if (i > 0) {
                    md.append(v == null || first == null ? " |" : String.format(Locale.ROOT, " %.2f |", v / first));
                }
            }
            md.append('\n');
        }
        for (int i = 0; i < results.size(); i++) {
            for (JsonNode row : results.get(i).json().path("rows")) {
                if (row.has("not_run")) {
                    md.append(String.format(Locale.ROOT, "%n%s, %s: not run: %s", (char) ('A' + i),
                            row.get("backend").asText(), row.get("not_run").asText()));
                }
            }
        }
        md.append('\n');
        Files.createDirectories(out);
        String table = md.toString();
        AtomicFiles.write(out.resolve("compare.md"), o -> o.write(table.getBytes(StandardCharsets.UTF_8)));
        ObjectNode json = RunFiles.JSON.createObjectNode().put("format", FORMAT).put("protocol", protocol);
        ArrayNode sources = json.putArray("files");
        for (Result r : results) {
            sources.addObject().put("file", r.file().toString()).put("label", r.label());
        }
        json.set("rows", merged);
        RunFiles.writeJson(out.resolve("compare.json"), json);
        String html = html(results, keys, byKey, table);
        AtomicFiles.write(out.resolve("compare.html"), o -> o.write(html.getBytes(StandardCharsets.UTF_8)));
        return table;
    }

    private static Double rate(JsonNode row) {
        return row == null ? null : row.get("samples_per_s").asDouble();
    }

    /** Reads and checks one result file. */
    static Result read(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("no result file at " + f + ": give bench-results.json files written by "
                    + "./vae bench");
        }
        JsonNode json;
        try {
            json = RunFiles.JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(f + " is not valid JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.path("rows").isArray()) {
            throw new IllegalArgumentException(f + " is not a benchmark result file (no rows)");
        }
        int format = json.path("format").asInt(1);
        if (format != FORMAT) {
            throw new IllegalArgumentException(f + " is in result format " + format + ", this version compares format "
                    + FORMAT + ": run ./vae bench again with this version on that machine");
        }
        JsonNode m = json.path("machine");
        String label = m.path("cpu").asText("?") + ", " + m.path("cores").asInt() + " cores"
                + (m.path("avx512").asBoolean() ? ", AVX-512" : m.path("avx2").asBoolean() ? ", AVX2" : "")
                + InstructionSetLimit.note(m);
        for (JsonNode row : json.path("rows")) {
            if (row.has("native") && row.has("samples_per_s")) {
                label += ", " + row.get("native").asText();
                break;
            }
        }
        return new Result(f, json, label);
    }

    private static String describe(Result r) {
        JsonNode v = r.json().path("versions");
        return r.label() + "; " + r.json().path("date").asText("?") + "; vae4j " + v.path("vae4j").asText("?")
                + ", Java " + v.path("java").asText("?") + " (" + r.file() + ")";
    }

    private static String html(List<Result> results, Set<String> keys, List<Map<String, JsonNode>> byKey,
            String table) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(520).title("Samples per second")
                .xAxisTitle("benchmark").yAxisTitle("samples/s").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(20);
        List<String> names = new ArrayList<>(keys);
        for (int i = 0; i < results.size(); i++) {
            List<Double> ys = new ArrayList<>();
            for (String k : names) {
                Double v = rate(byKey.get(i).get(k));
                ys.add(v == null ? 0.0 : v);
            }
            chart.addSeries((char) ('A' + i) + ": " + results.get(i).label(), names, ys);
        }
        BufferedImage img = BitmapEncoder.getBufferedImage(chart);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Benchmarks compared</title><style>body{font-family:sans-serif;margin:2em;color:#222}"
                + "pre{background:#f6f6f6;padding:1em;overflow-x:auto}</style></head><body>\n"
                + "<h1>Benchmarks compared</h1>\n");
        h.append("<img alt=\"samples per second\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png.toByteArray())).append("\">\n<pre>")
                .append(table.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")).append("</pre>\n");
        h.append("</body></html>\n");
        return h.toString();
    }
}
