package io.vae4j.mnist.run;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.io.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a run directory holds and whether its records agree: the run record ({@code run.json}), the checkpoint
 * ({@code model.vae}) and the metrics ({@code metrics.csv}). A run's record is append-only and its settings are its
 * identity: a directory whose records disagree is never trained on silently.
 */
public final class RunDirectory {
    /** Where {@link #moveAside} puts the files of an earlier attempt. */
    public static final String PREVIOUS_PREFIX = "previous-";

    private final Path dir;
    private final RunRecord record;
    private final int checkpointEpochs;
    private final VaeConfig checkpointConfig;
    private final List<MetricsLog.Row> rows;
    /** Why the checkpoint cannot be read, or null. */
    private final String checkpointError;

    private RunDirectory(Path dir, RunRecord record, int checkpointEpochs, VaeConfig checkpointConfig,
            List<MetricsLog.Row> rows, String checkpointError) {
        this.dir = dir;
        this.record = record;
        this.checkpointEpochs = checkpointEpochs;
        this.checkpointConfig = checkpointConfig;
        this.rows = rows;
        this.checkpointError = checkpointError;
    }

    /** Reads the directory's records (not the model's weights: only the checkpoint's header). */
    public static RunDirectory read(Path dir) throws IOException {
        RunRecord record = RunRecord.read(dir);
        int epochs = -1;
        VaeConfig config = null;
        String error = null;
        Path model = dir.resolve(RunFiles.MODEL);
        if (Files.exists(model)) {
            try {
                ModelFile.Header h = ModelFile.readHeader(model);
                epochs = h.epochsDone();
                config = h.config();
            } catch (IOException e) {
                error = e.getMessage(); // a damaged checkpoint: reported as a disagreement, so --restart can help
                epochs = 0;
            }
        }
        List<MetricsLog.Row> rows = Files.exists(dir.resolve(MetricsLog.FILE))
                ? MetricsLog.readRows(dir.resolve(MetricsLog.FILE)) : List.of();
        return new RunDirectory(dir, record, epochs, config, rows, error);
    }

    /** Whether the directory holds nothing of a run. */
    public boolean empty() {
        return record == null && checkpointEpochs < 0 && rows.isEmpty();
    }

    /** The run record, or null. */
    public RunRecord record() {
        return record;
    }

    /** The checkpoint's configuration, or null without one. */
    public VaeConfig checkpointConfig() {
        return checkpointConfig;
    }

    /** Whether there is a checkpoint to continue from. */
    public boolean hasCheckpoint() {
        return checkpointEpochs >= 0;
    }

    /**
     * Why the records disagree, in one sentence each; empty when they agree. They agree when the metrics hold one
     * row per epoch 1..n in order, the checkpoint holds epoch n (or n + 1: it is written before the epoch's row, so
     * an interrupted epoch can leave the checkpoint one row ahead), and the checkpoint's configuration is the
     * record's.
     */
    public List<String> disagreements() {
        List<String> found = new ArrayList<>();
        if (checkpointError != null) {
            found.add("the checkpoint cannot be read (" + checkpointError + ")");
            return found;
        }
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).epoch() != i + 1) {
                found.add(MetricsLog.FILE + " has its rows out of order or with gaps (row " + (i + 1) + " is epoch "
                        + rows.get(i).epoch() + ")");
                break;
            }
        }
        int lastRow = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).epoch();
        if (record == null && (hasCheckpoint() || !rows.isEmpty())) {
            found.add("there is no " + RunFiles.SETTINGS + ", the run's record");
        }
        if (!hasCheckpoint() && lastRow > 0) {
            found.add(MetricsLog.FILE + " has metrics for epochs 1-" + lastRow + " but there is no checkpoint ("
                    + RunFiles.MODEL + ") that holds them");
        } else if (hasCheckpoint() && lastRow > checkpointEpochs) {
            found.add(MetricsLog.FILE + " has metrics up to epoch " + lastRow + " but the checkpoint holds epoch "
                    + checkpointEpochs);
        } else if (hasCheckpoint() && checkpointEpochs > lastRow + 1) {
            found.add("the checkpoint holds epoch " + checkpointEpochs + " but " + MetricsLog.FILE
                    + " stops at epoch " + lastRow);
        }
        if (record != null && record.config() != null && checkpointConfig != null
                && !record.config().equals(checkpointConfig)) {
            found.add("the checkpoint's configuration differs from the one " + RunFiles.SETTINGS + " records ("
                    + difference(record.config(), checkpointConfig) + ")");
        }
        if (record != null && record.config() == null && !hasCheckpoint()) {
            found.add(RunFiles.SETTINGS + " was written by an earlier version and records no model configuration, "
                    + "and there is no checkpoint to take it from");
        }
        return found;
    }

    /** The first field in which two configurations differ, as "field: a vs b". */
    static String difference(VaeConfig a, VaeConfig b) {
        for (java.lang.reflect.RecordComponent c : VaeConfig.class.getRecordComponents()) {
            try {
                Object x = c.getAccessor().invoke(a);
                Object y = c.getAccessor().invoke(b);
                if (!java.util.Objects.equals(x, y)) {
                    return c.getName() + ": " + x + " recorded, " + y + " in the checkpoint";
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return "no field differs";
    }

    /**
     * Moves every file and directory of the run except its record into {@code previous-<time>/} inside it, so that
     * the run can start again from epoch 1 with the same settings and nothing of the old attempt is lost.
     *
     * @return the directory the files went to
     */
    public Path moveAside() throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = dir.resolve(PREVIOUS_PREFIX + stamp);
        for (int i = 2; Files.exists(target); i++) {
            target = dir.resolve(PREVIOUS_PREFIX + stamp + "-" + i);
        }
        Files.createDirectory(target);
        List<Path> moving;
        try (Stream<Path> files = Files.list(dir)) {
            moving = files.filter(p -> {
                String n = p.getFileName().toString();
                return !n.startsWith(PREVIOUS_PREFIX) && !n.equals(RunLock.FILE);
            }).toList();
        }
        for (Path p : moving) {
            if (p.getFileName().toString().equals(RunFiles.SETTINGS)) {
                Files.copy(p, target.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            } else {
                Files.move(p, target.resolve(p.getFileName()));
            }
        }
        return target;
    }
}
