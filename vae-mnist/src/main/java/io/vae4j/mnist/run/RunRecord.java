package io.vae4j.mnist.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.io.ProjectVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A run's identity, {@code run.json}: everything needed to redo the run (the data settings, the whole model and
 * optimiser configuration with its seed, the command line), written before the first epoch starts. A resumed run
 * takes every setting from it, never from defaults.
 *
 * @param format         {@value #FORMAT}; files of earlier versions held the data settings alone
 * @param settings       how the run uses the data, and its total epochs
 * @param config         the model, optimiser and seed; null only in a file of an earlier version
 * @param command        the command line that started the run (later resumes do not change it)
 * @param created        when the run started, UTC
 * @param projectVersion the version that started it
 */
public record RunRecord(int format, RunSettings settings, VaeConfig config, List<String> command, String created,
        String projectVersion) {
    public static final int FORMAT = 2;

    /** A new run's record. */
    public static RunRecord start(RunSettings settings, VaeConfig config, List<String> command) {
        return new RunRecord(FORMAT, settings, config, List.copyOf(command),
                OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString(), ProjectVersion.get());
    }

    /** The same run with a new total of epochs (the one setting a resume may change). */
    public RunRecord withEpochs(int epochs) {
        return new RunRecord(format, settings.withEpochs(epochs), config, command, created, projectVersion);
    }

    /** The same record with the configuration filled in (from the checkpoint of a run of an earlier version). */
    public RunRecord withConfig(VaeConfig c) {
        return new RunRecord(FORMAT, settings, c, command, created, projectVersion);
    }

    public void write(Path runDir) throws IOException {
        RunFiles.writeJson(runDir.resolve(RunFiles.SETTINGS), this);
    }

    /**
     * Reads {@code run.json}: this format, or an earlier version's (the data settings alone, as a record without a
     * configuration).
     *
     * @return the record, or null when the directory has none
     * @throws IOException naming the file when it is unreadable or invalid
     */
    public static RunRecord read(Path runDir) throws IOException {
        Path f = runDir.resolve(RunFiles.SETTINGS);
        if (!Files.exists(f)) {
            return null;
        }
        try {
            JsonNode tree = RunFiles.JSON.readTree(f.toFile());
            if (tree == null || !tree.isObject()) {
                throw new IOException("not a JSON object");
            }
            if (!tree.has("format")) {
                return new RunRecord(1, RunFiles.JSON.treeToValue(tree, RunSettings.class), null, List.of(), null,
                        null);
            }
            RunRecord r = RunFiles.JSON.treeToValue(tree, RunRecord.class);
            if (r.format() != FORMAT || r.settings() == null || r.config() == null) {
                throw new IOException("format " + r.format() + " without settings or configuration");
            }
            return r;
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(f + " is not a valid run record (" + e.getMessage() + "); it may be damaged: "
                    + "start a new run with another --out", e);
        }
    }
}
