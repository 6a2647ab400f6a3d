package io.vae4j.mnist.run;

import io.vae4j.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** metrics.csv: one row per epoch, rewritten atomically after each epoch so it is never half-written. */
public final class MetricsLog {
    public static final String HEADER = "epoch,test_neg_elbo,test_recon,test_kl,train_neg_elbo,train_recon,train_kl,"
            + "beta,train_samples_per_s,seconds";

    /** One epoch's numbers (epoch is 1-based, as people count). */
    public record Row(int epoch, double testNegElbo, double testRecon, double testKl, double trainNegElbo,
                      double trainRecon, double trainKl, double beta, double trainSamplesPerSecond, double seconds) {
        String csv() {
            return String.format(Locale.ROOT, "%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.1f,%.2f", epoch, testNegElbo,
                    testRecon, testKl, trainNegElbo, trainRecon, trainKl, beta, trainSamplesPerSecond, seconds);
        }

        static Row parse(String line) {
            String[] f = line.split(",");
            return new Row(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]), d(f[7]),
                    d(f[8]), d(f[9]));
        }

        private static double d(String s) {
            return Double.parseDouble(s);
        }
    }

    private final Path file;
    private final List<Row> rows = new ArrayList<>();

    private MetricsLog(Path file) {
        this.file = file;
    }

    /** The log in a run directory, with the rows already there (a resumed run keeps its history). */
    public static MetricsLog open(Path runDir) throws IOException {
        MetricsLog log = new MetricsLog(runDir.resolve("metrics.csv"));
        if (Files.exists(log.file)) {
            List<String> lines = Files.readAllLines(log.file, StandardCharsets.UTF_8);
            for (int i = 1; i < lines.size(); i++) {
                if (!lines.get(i).isBlank()) {
                    try {
                        log.rows.add(Row.parse(lines.get(i)));
                    } catch (RuntimeException e) {
                        throw new IOException(log.file + ": line " + (i + 1) + " is not a metrics row: "
                                + lines.get(i));
                    }
                }
            }
        }
        return log;
    }

    /** Adds a row (replacing rows of the same or later epochs, as after a resume from an earlier checkpoint). */
    public void append(Row row) throws IOException {
        rows.removeIf(r -> r.epoch() >= row.epoch());
        rows.add(row);
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            sb.append(r.csv()).append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }
}
