package io.vae4j.mnist.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vae4j.core.io.AtomicFiles;
import io.vae4j.mnist.run.RunFiles;
import io.vae4j.mnist.viz.Charts;
import io.vae4j.mnist.viz.Html;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Puts benchmark result files ({@code bench-results.json}) from several machines or backends side by side: tables
 * and one self-contained page with charts, the samples/s of every benchmark in each file and the ratio to the first
 * file's, and each file's side-by-side rows with its own PyTorch. Files of another result format, or measured with
 * another protocol (quick or full mode), are refused: their numbers do not compare.
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
            JsonNode any = anyRow(byKey, key);
            md.append("| ").append(benchmark(key, any, false)).append(" | ").append(any.get("model").asText())
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
        ArrayNode sideBySide = sideBySide(results, protocol.equals("full"), md);
        Files.createDirectories(out);
        String table = md.toString();
        AtomicFiles.write(out.resolve("compare.md"), o -> o.write(table.getBytes(StandardCharsets.UTF_8)));
        ObjectNode json = RunFiles.JSON.createObjectNode().put("format", FORMAT).put("protocol", protocol);
        ArrayNode sources = json.putArray("files");
        for (Result r : results) {
            sources.addObject().put("file", r.file().toString()).put("label", r.label());
        }
        json.set("rows", merged);
        json.set("side_by_side", sideBySide);
        RunFiles.writeJson(out.resolve("compare.json"), json);
        String html = html(results, keys, byKey, table);
        AtomicFiles.write(out.resolve("compare.html"), o -> o.write(html.getBytes(StandardCharsets.UTF_8)));
        return table;
    }

    /** What a side-by-side figure is: its unit, and whether a ratio between files means anything. */
    private enum Measure {
        RATE, SECONDS, RATIO
    }

    /**
     * Each file's side-by-side rows (vae4j and PyTorch on the reference protocol, and the batch-size sweep), merged
     * by what they measure: a table after the JMH one, each file with its own PyTorch, measured in the same run. A
     * file's core counts enter as "1 core" and "all cores", as in the JMH keys; full mode names vae4j's native build.
     */
    private static ArrayNode sideBySide(List<Result> results, boolean full, StringBuilder md) {
        Map<String, Measure> measures = new LinkedHashMap<>();
        List<Map<String, Double>> values = new ArrayList<>();
        List<String> notRun = new ArrayList<>();
        for (Result r : results) {
            Map<String, Double> v = new LinkedHashMap<>();
            JsonNode peer = r.json().path("peer");
            int machineCores = r.json().path("machine").path("cores").asInt();
            for (JsonNode row : peer.path("rows")) {
                if (!row.has("steady")) {
                    String why = row.has("failed") ? "failed: " + row.get("failed").asText()
                            : "not run: " + row.path("not_run").asText("?");
                    notRun.add(String.format(Locale.ROOT, "%s, side by side, %s %s on %d core(s): %s",
                            (char) ('A' + results.indexOf(r)), who(row, full), row.path("model").asText(),
                            row.path("cores").asInt(), why));
                    continue;
                }
                String at = row.path("model").asText() + ", " + cores(row.path("cores").asInt(), machineCores) + ": ";
                String who = who(row, full);
                put(v, measures, at + who + ", first epoch (samples/s)", row.path("first"), Measure.RATE);
                put(v, measures, at + who + ", steady (samples/s)", row.path("steady"), Measure.RATE);
                put(v, measures, at + who + ", IWAE k=1000 on 1,000 images (s)", row.path("iwae_seconds"),
                        Measure.SECONDS);
                put(v, measures, at + who + " / PyTorch, first epoch", row.path("ratio_first"), Measure.RATIO);
                put(v, measures, at + who + " / PyTorch, steady", row.path("ratio_steady"), Measure.RATIO);
                put(v, measures, at + who + " / PyTorch, IWAE speed", row.path("ratio_iwae"), Measure.RATIO);
            }
            for (JsonNode row : peer.path("sweep")) {
                if (!row.has("steady")) {
                    continue;
                }
                String at = "sweep, batch " + row.path("batch").asInt() + ", "
                        + cores(row.path("cores").asInt(), machineCores) + ": ";
                String who = who(row, full);
                put(v, measures, at + who + ", steady (samples/s)", row.path("steady"), Measure.RATE);
                put(v, measures, at + who + " / PyTorch, steady", row.path("ratio_steady"), Measure.RATIO);
            }
            values.add(v);
        }
        ArrayNode json = RunFiles.JSON.createArrayNode();
        if (measures.isEmpty()) {
            lines(md, notRun);
            return json;
        }
        md.append("\nSide by side with PyTorch: each file's own rows, vae4j and PyTorch measured in the same run "
                + "(ratios above 1: vae4j faster)\n\n| measure |");
        for (int i = 0; i < results.size(); i++) {
            md.append(' ').append((char) ('A' + i)).append(" |");
            if (i > 0) {
                md.append(' ').append((char) ('A' + i)).append(" / A |");
            }
        }
        md.append("\n|---|").append("---|".repeat(2 * results.size() - 1)).append('\n');
        for (Map.Entry<String, Measure> m : measures.entrySet()) {
            md.append("| ").append(m.getKey()).append(" |");
            ObjectNode row = json.addObject().put("measure", m.getKey());
            Double first = values.get(0).get(m.getKey());
            for (int i = 0; i < results.size(); i++) {
                Double v = values.get(i).get(m.getKey());
                row.put(String.valueOf((char) ('A' + i)), v);
                md.append(v == null ? " n/a |" : switch (m.getValue()) {
                    case RATE -> String.format(Locale.ROOT, " %,.0f |", v);
                    case SECONDS -> String.format(Locale.ROOT, " %.1f s |", v);
                    case RATIO -> String.format(Locale.ROOT, " %.2fx |", v);
                });
                if (i > 0) {
                    // a ratio of samples/s between machines; seconds and ratios to PyTorch are read side by side
                    md.append(m.getValue() == Measure.RATE && v != null && first != null
                            ? String.format(Locale.ROOT, " %.2f |", v / first) : " |");
                }
            }
            md.append('\n');
        }
        lines(md, notRun);
        return json;
    }

    /** The rows that did not run, a line each after a blank line. */
    private static void lines(StringBuilder md, List<String> notRun) {
        notRun.forEach(line -> md.append('\n').append(line));
        md.append(notRun.isEmpty() ? "" : "\n");
    }

    private static void put(Map<String, Double> values, Map<String, Measure> measures, String name, JsonNode value,
            Measure measure) {
        if (value.isNumber() && Double.isFinite(value.asDouble())) {
            values.put(name, value.asDouble());
            measures.putIfAbsent(name, measure);
        }
    }

    /** "1 core", "all cores" (the machine's all), or "N cores". */
    private static String cores(int cores, int machineCores) {
        return cores == 1 ? "1 core" : cores == machineCores ? "all cores" : cores + " cores";
    }

    private static String who(JsonNode row, boolean full) {
        if (row.path("impl").asText().equals("pytorch")) {
            return "PyTorch";
        }
        return full && row.has("native") ? "vae4j " + row.get("native").asText() : "vae4j";
    }

    /** The row of a merged key in the first file that has it. */
    private static JsonNode anyRow(List<Map<String, JsonNode>> byKey, String key) {
        return byKey.stream().filter(m -> m.containsKey(key)).findFirst().orElseThrow().get(key);
    }

    /** "CPU TrainingBenchmark.trainSteps, all cores", with the model in brackets after the benchmark if asked. */
    private static String benchmark(String key, JsonNode row, boolean withModel) {
        String[] parts = key.split("/");
        return key.substring(0, key.indexOf(' ')).toUpperCase(Locale.ROOT) + " " + row.get("benchmark").asText()
                + (withModel ? " (" + row.get("model").asText() + ")" : "") + (parts.length > 3 ? ", " + parts[3] : "");
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

    /**
     * The page: which file is which, then charts a reader can take in at a glance (vae4j's ratio to each file's own
     * PyTorch across the sweep, and each benchmark's samples/s by batch size, a line per file), then the tables.
     */
    private static String html(List<Result> results, Set<String> keys, List<Map<String, JsonNode>> byKey,
            String table) throws IOException {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Benchmarks compared</title><style>body{font-family:sans-serif;margin:2em;color:#222}"
                + "figure{display:inline-block;margin:0 1.5em 1.5em 0}pre{background:#f6f6f6;padding:1em;"
                + "overflow-x:auto}</style></head><body>\n<h1>Benchmarks compared</h1>\n<ul>\n");
        for (int i = 0; i < results.size(); i++) {
            h.append("<li><b>").append((char) ('A' + i)).append("</b>: ").append(Html.esc(describe(results.get(i))))
                    .append("</li>\n");
        }
        h.append("</ul>\n");
        BufferedImage ratios = sweepRatioChart(results);
        if (ratios != null) {
            Html.figure(h, Html.png(ratios), "vae4j / PyTorch across the sweep, each file's own PyTorch");
        }
        // benchmark/model/cores -> file -> batch -> samples/s
        Map<String, List<Map<Integer, Double>>> groups = new LinkedHashMap<>();
        for (String key : keys) {
            JsonNode any = anyRow(byKey, key);
            String group = benchmark(key, any, true);
            List<Map<Integer, Double>> perFile = groups.computeIfAbsent(group, g -> {
                List<Map<Integer, Double>> l = new ArrayList<>();
                for (int i = 0; i < results.size(); i++) {
                    l.add(new java.util.TreeMap<>());
                }
                return l;
            });
            for (int i = 0; i < results.size(); i++) {
                Double v = rate(byKey.get(i).get(key));
                if (v != null) {
                    perFile.get(i).put(any.get("batch").asInt(), v);
                }
            }
        }
        for (Map.Entry<String, List<Map<Integer, Double>>> g : groups.entrySet()) {
            if (g.getValue().stream().noneMatch(m -> m.size() > 1)) {
                continue; // one batch size: the table says it as well as a chart would
            }
            List<Charts.Line> lines = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                Map<Integer, Double> m = g.getValue().get(i);
                lines.add(new Charts.Line(String.valueOf((char) ('A' + i)), new ArrayList<>(m.keySet()),
                        new ArrayList<>(m.values())));
            }
            Html.figure(h, Html.png(Charts.sweep(g.getKey() + ": samples/s", "batch size", "samples/s", lines)),
                    g.getKey());
        }
        h.append("<pre>").append(Html.esc(table)).append("</pre>\n</body></html>\n");
        return h.toString();
    }

    /** vae4j's steady ratio to PyTorch by batch size, a line per file and core count; null without sweeps. */
    private static BufferedImage sweepRatioChart(List<Result> results) {
        List<Charts.Line> lines = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            int machineCores = results.get(i).json().path("machine").path("cores").asInt();
            Map<String, Map<Integer, Double>> byCores = new java.util.TreeMap<>();
            for (JsonNode row : results.get(i).json().path("peer").path("sweep")) {
                if (row.has("ratio_steady")) {
                    byCores.computeIfAbsent(cores(row.path("cores").asInt(), machineCores),
                            c -> new java.util.TreeMap<>()).put(row.path("batch").asInt(),
                                    row.get("ratio_steady").asDouble());
                }
            }
            for (Map.Entry<String, Map<Integer, Double>> c : byCores.entrySet()) {
                lines.add(new Charts.Line((char) ('A' + i) + ", " + c.getKey(), new ArrayList<>(c.getValue()
                        .keySet()), new ArrayList<>(c.getValue().values())));
            }
        }
        return lines.isEmpty() ? null : Charts.sweep("vae4j / PyTorch, steady training (above 1: vae4j faster)",
                "batch size", "ratio", lines);
    }
}
