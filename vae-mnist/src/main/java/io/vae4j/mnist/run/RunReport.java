package io.vae4j.mnist.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.vae4j.core.io.AtomicFiles;
import static io.vae4j.mnist.viz.Html.esc;

import io.vae4j.mnist.viz.Charts;
import io.vae4j.mnist.viz.Html;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A run's {@code report.html}: one self-contained page (images inlined, no external file) with the run's settings,
 * loss curves, per-epoch metrics and every picture. Training writes it after every epoch, so that a user opens it
 * once and refreshes: while the run goes on, the page says how far it is and refreshes itself; the page of a run
 * that has ended does not. With a model, the page also holds the interactive latent explorer ({@link ReportExplorer}).
 */
public final class RunReport {
    /** The file's name in a run directory. */
    public static final String FILE = "report.html";
    /** Seconds between a live page's refreshes. */
    static final int REFRESH_SECONDS = 10;

    /** Seconds after the user last touched the explorer before a live page may reload under them. */
    static final int QUIET_SECONDS = 30;

    private final Path dir;
    private final Live live;
    private final ReportExplorer explorer;

    /**
     * How far a run in progress is.
     *
     * @param epoch       epochs done
     * @param epochs      the run's total
     * @param secondsLeft estimated time to the end
     */
    public record Live(int epoch, int epochs, double secondsLeft) {
    }

    private RunReport(Path dir, Live live, ReportExplorer explorer) {
        this.dir = dir;
        this.live = live;
        this.explorer = explorer;
    }

    /**
     * Writes {@code report.html} into a run directory, atomically.
     *
     * @param live how far the run is, or null for a run that has ended
     * @return the file written
     */
    public static Path write(Path dir, Live live) throws IOException {
        return write(dir, live, null);
    }

    /**
     * Writes {@code report.html} into a run directory, atomically, with the latent explorer of a model.
     *
     * @param live     how far the run is, or null for a run that has ended
     * @param explorer the explorer of the run's model, or null for a page without one
     * @return the file written
     */
    public static Path write(Path dir, Live live, ReportExplorer explorer) throws IOException {
        RunReport r = new RunReport(dir, live, explorer);
        String html = r.html(MetricsLog.open(dir).rows());
        Path file = dir.resolve(FILE);
        AtomicFiles.write(file, out -> out.write(html.getBytes(StandardCharsets.UTF_8)));
        return file;
    }

    private String html(List<MetricsLog.Row> rows) throws IOException {
        StringBuilder h = new StringBuilder();
        String title = "VAE run " + dir.toAbsolutePath().normalize().getFileName();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>\n").append(ReportExplorer.resource("report.css")).append("</style>");
        if (live != null) {
            // Without scripts the page refreshes on a timer; with them it waits until the user has left the
            // explorer alone for a while, so a refresh never wipes a drawing (the view itself survives in the URL).
            h.append("<noscript><meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS)
                    .append("\"></noscript>");
            h.append(String.format(Locale.ROOT, "<script>setInterval(function(){if(Date.now()-(window."
                    + "vaeExplorerTouched||0)>%d)location.reload();},%d);</script>", QUIET_SECONDS * 1000,
                    REFRESH_SECONDS * 1000));
        }
        h.append("</head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n");
        if (live != null) {
            h.append(String.format(Locale.ROOT, "<p class=\"live\">Training: epoch %d of %d done, about %s left. "
                    + "This page refreshes itself every %d s until the run ends (not while you use the explorer).</p>%n", live.epoch(), live.epochs(),
                    WorkEstimate.human(live.secondsLeft()), REFRESH_SECONDS));
        }
        summary(h);
        if (explorer != null) {
            explorer.appendTo(h);
        }
        if (!rows.isEmpty()) {
            h.append("<h2>Loss curves</h2>\n");
            List<Integer> epochs = rows.stream().map(MetricsLog.Row::epoch).toList();
            // a model trained on the importance-weighted bound: its training and test bounds beside the -ELBO
            boolean bounds = rows.stream().anyMatch(r -> !Double.isNaN(r.testNegBound()));
            List<Charts.Line> lines = new ArrayList<>(List.of(
                    new Charts.Line("test -ELBO", epochs, rows.stream().map(MetricsLog.Row::testNegElbo).toList()),
                    new Charts.Line("train -ELBO", epochs, rows.stream().map(MetricsLog.Row::trainNegElbo).toList())));
            if (bounds) {
                lines.add(new Charts.Line("test -IWAE bound", epochs,
                        rows.stream().map(MetricsLog.Row::testNegBound).toList()));
                lines.add(new Charts.Line("train -IWAE bound", epochs,
                        rows.stream().map(MetricsLog.Row::trainNegBound).toList()));
            }
            figure(h, Charts.lines("-ELBO per epoch", "epoch", "nats per image", lines),
                    "Negative ELBO (reconstruction + KL) on the test set after each epoch, and averaged over the "
                    + "epoch's training batches" + (bounds ? "; and the negated importance-weighted bound the "
                    + "model trains on, at its K" : ""));
            figure(h, Charts.lines("Terms of the test -ELBO", "epoch", "nats per image", List.of(
                    new Charts.Line("reconstruction", epochs, rows.stream().map(MetricsLog.Row::testRecon).toList()),
                    new Charts.Line("KL", epochs, rows.stream().map(MetricsLog.Row::testKl).toList()))),
                    "Reconstruction NLL and KL term on the test set");
            h.append("<h2>Metrics per epoch</h2>\n<table><tr><th>epoch</th><th>test -ELBO</th><th>test recon</th>"
                    + "<th>test KL</th><th>train -ELBO</th>"
                    + (bounds ? "<th>test -IWAE bound</th><th>train -IWAE bound</th>" : "")
                    + "<th>beta</th><th>samples/s</th><th>seconds</th></tr>\n");
            for (MetricsLog.Row r : rows) {
                h.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%.2f</td><td>%.2f</td><td>%.2f</td>"
                        + "<td>%.2f</td>", r.epoch(), r.testNegElbo(), r.testRecon(), r.testKl(), r.trainNegElbo()));
                if (bounds) {
                    h.append(String.format(Locale.ROOT, "<td>%.2f</td><td>%.2f</td>", r.testNegBound(),
                            r.trainNegBound()));
                }
                h.append(String.format(Locale.ROOT, "<td>%.2f</td><td>%,.0f</td><td>%.1f</td></tr>%n", r.beta(),
                        r.trainSamplesPerSecond(), r.seconds()));
            }
            h.append("</table>\n");
            int last = rows.get(rows.size() - 1).epoch();
            h.append("<h2>Reconstructions and samples</h2>\n");
            for (int e : java.util.stream.IntStream.of(1, last).distinct().toArray()) {
                image(h, "reconstruction_" + e + ".png", "Epoch " + e + ": test images (top) and reconstructions");
                image(h, "samples_" + e + ".png", "Epoch " + e + ": decoded z ~ N(0, I)");
            }
        }
        List<Path> others = otherPictures();
        if (!others.isEmpty()) {
            h.append("<h2>Other pictures</h2>\n");
            for (Path p : others) {
                image(h, p.getFileName().toString(), p.getFileName().toString());
            }
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private void summary(StringBuilder h) throws IOException {
        h.append("<table>\n");
        for (String name : new String[] {RunFiles.METRICS_JSON, "evaluation.json", "anomaly.json"}) {
            Path f = dir.resolve(name);
            if (!Files.exists(f)) {
                continue;
            }
            JsonNode node = RunFiles.JSON.readTree(f.toFile());
            h.append("<tr><th colspan=\"2\" style=\"text-align:left\">").append(esc(name)).append("</th></tr>\n");
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                String text = v.isNumber() && !v.isIntegralNumber()
                        ? String.format(Locale.ROOT, "%.4f", v.asDouble()) : v.isValueNode() ? v.asText() : v.toString();
                h.append("<tr><td class=\"k\">").append(esc(e.getKey())).append("</td><td class=\"k\">")
                        .append(esc(text)).append("</td></tr>\n");
            }
        }
        h.append("</table>\n");
    }

    private List<Path> otherPictures() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(".png"))
                    .filter(p -> !p.getFileName().toString().matches("(reconstruction|samples)_\\d+\\.png"))
                    .sorted(Comparator.comparing(Path::toString))
                    .forEach(out::add);
        }
        return out;
    }

    private void image(StringBuilder h, String name, String caption) throws IOException {
        Path f = dir.resolve(name);
        if (Files.exists(f)) {
            Html.figure(h, Files.readAllBytes(f), caption);
        }
    }

    private static void figure(StringBuilder h, BufferedImage chart, String caption) {
        Html.figure(h, Html.png(chart), caption);
    }
}
