package io.vae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench.html and its charts: one chart per benchmark measured at several batch sizes, a line per build. */
class BenchPageTest {
    @TempDir
    Path dir;

    @Test
    void aChartPerSweptBenchmark() throws Exception {
        StringBuilder rows = new StringBuilder();
        for (String nat : List.of("onednn-avx512", "generic")) {
            for (int batch : new int[] {32, 128, 512}) {
                rows.append(String.format("{\"backend\":\"cpu\",\"native\":\"%s\",\"threads\":2,"
                        + "\"benchmark\":\"TrainingBenchmark.trainSteps\",\"model\":\"mlp\",\"batch\":%d,"
                        + "\"samples_per_s\":%d},", nat, batch, batch * 100));
            }
        }
        rows.append("{\"backend\":\"cpu\",\"native\":\"generic\",\"threads\":2,\"benchmark\":"
                + "\"EpochBenchmark.epoch\",\"model\":\"mlp\",\"batch\":128,\"samples_per_s\":5000},");
        rows.append("{\"backend\":\"gpu\",\"not_run\":\"no GPU\"}");
        JsonNode report = new ObjectMapper().readTree("{\"cores\":2,\"protocol\":\"quick\",\"machine\":"
                + "{\"cpu\":\"AMD EPYC\"},\"rows\":[" + rows + "]}");
        List<Path> pngs = BenchPage.write(report, "| table |", dir);
        assertEquals(1, pngs.size(), "the epoch benchmark ran at one batch size only: no chart for it");
        BufferedImage img = ImageIO.read(pngs.get(0).toFile());
        assertTrue(img.getWidth() > 300 && img.getHeight() > 200);
        String html = Files.readString(dir.resolve("bench.html"));
        assertTrue(html.contains("data:image/png;base64,") && html.contains("TrainingBenchmark.trainSteps (mlp)")
                && html.contains("| table |") && html.contains("AMD EPYC, 2 cores, quick mode"), html);
    }

    /**
     * The side-by-side sweep: vae4j and PyTorch by batch size, their ratio, and by cores; the markdown pairs each
     * vae4j point with PyTorch's at the same cores and batch size, and says where PyTorch did not run.
     */
    @Test
    void theSideBySideSweepIsChartedAndTabulated() throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int cores : new int[] {1, 2}) {
            for (int batch : new int[] {32, 128, 512}) {
                double torch = 1000.0 * cores + batch;
                double ours = 1.5 * torch;
                if (!(cores == 2 && batch == 512)) { // a point PyTorch failed
                    rows.append(String.format("{\"impl\":\"pytorch\",\"cores\":%d,\"batch\":%d,"
                            + "\"steady\":%.1f},", cores, batch, torch));
                } else {
                    rows.append(String.format("{\"impl\":\"pytorch\",\"cores\":%d,\"batch\":%d,"
                            + "\"failed\":\"exit code 1: out of memory\"},", cores, batch));
                }
                rows.append(String.format("{\"impl\":\"vae4j\",\"cores\":%d,\"batch\":%d,\"steady\":%.1f%s},",
                        cores, batch, ours, cores == 2 && batch == 512 ? "" : ",\"ratio_steady\":1.5"));
            }
        }
        JsonNode sweep = new ObjectMapper().readTree("[" + rows.substring(0, rows.length() - 1) + "]");
        var charts = BenchPage.peerCharts(sweep);
        assertEquals(List.of("side by side: training samples/s by batch size",
                "side by side: vae4j to PyTorch by batch size", "side by side: training samples/s by cores"),
                List.copyOf(charts.keySet()));
        JsonNode peer = new ObjectMapper().readTree("{\"epochs\":3,\"rows\":[],\"sweep\":" + sweep + "}");
        String md = PeerComparison.markdown(peer);
        assertTrue(md.contains("| 1 | 128 | 1,128 | 1,692 | 1.50x |"), md);
        assertTrue(md.contains("| 2 | 512 | FAILED: exit code 1: out of memory | 3,768 |  |"), md);
        assertTrue(BenchPage.peerCharts(new ObjectMapper().readTree("[]")).isEmpty(), "no sweep, no chart");
    }
}
