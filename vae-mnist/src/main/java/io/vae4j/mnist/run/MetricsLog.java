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
            + "beta,train_samples_per_s,seconds,train_neg_bound,test_neg_bound";
    /** Columns of the first format, before the importance-weighted bound's two; such rows still read. */
    private static final int FIRST_FORMAT_COLUMNS = 10;

    /**
     * One epoch's numbers (epoch is 1-based, as people count).
     *
     * @param trainNegBound the negated training objective with beta = 1, averaged over the epoch: the
     *                      importance-weighted bound's at the trained K, else the -ELBO (NaN in older files)
     * @param testNegBound  the test set's negated importance-weighted bound at the trained K, for a model trained on
     *                      it; NaN otherwise
     */
    public record Row(int epoch, double testNegElbo, double testRecon, double testKl, double trainNegElbo,
                      double trainRecon, double trainKl, double beta, double trainSamplesPerSecond, double seconds,
                      double trainNegBound, double testNegBound) {
        String csv() {
            return String.format(Locale.ROOT, "%d,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.1f,%.2f,%.4f,%.4f", epoch,
                    testNegElbo, testRecon, testKl, trainNegElbo, trainRecon, trainKl, beta, trainSamplesPerSecond,
                    seconds, trainNegBound, testNegBound);
        }

        static Row parse(String line) {
            String[] f = line.split(",");
            if (f.length != FIRST_FORMAT_COLUMNS && f.length != FIRST_FORMAT_COLUMNS + 2) {
                throw new IllegalArgumentException(f.length + " columns");
            }
            boolean bounds = f.length > FIRST_FORMAT_COLUMNS;
            return new Row(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]), d(f[7]),
                    d(f[8]), d(f[9]), bounds ? d(f[10]) : Double.NaN, bounds ? d(f[11]) : Double.NaN);
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

    /** The file's name in a run directory. */
    public static final String FILE = "metrics.csv";

    /** The log in a run directory, with the rows already there (a resumed run keeps its history). */
    public static MetricsLog open(Path runDir) throws IOException {
        MetricsLog log = new MetricsLog(runDir.resolve(FILE));
        if (Files.exists(log.file)) {
            log.rows.addAll(readRows(log.file));
        }
        return log;
    }

    /** The rows of a metrics file, as written; a line that is not a row fails naming the file and line. */
    public static List<Row> readRows(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                try {
                    rows.add(Row.parse(lines.get(i)));
                } catch (RuntimeException e) {
                    throw new IOException(file + ": line " + (i + 1) + " is not a metrics row: " + lines.get(i));
                }
            }
        }
        return rows;
    }

    /**
     * Adds the row of the next epoch. The log is append-only: a row for an epoch it already has, or one that skips
     * epochs, is refused ({@link RunDirectory} refuses to resume a directory whose records would need that).
     */
    public void append(Row row) throws IOException {
        int last = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).epoch();
        if (row.epoch() != last + 1) {
            throw new IllegalStateException(file + " ends at epoch " + last + "; a row for epoch " + row.epoch()
                    + " would " + (row.epoch() <= last ? "rewrite" : "leave a gap in") + " the run's record");
        }
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
