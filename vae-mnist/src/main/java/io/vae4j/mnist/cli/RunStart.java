package io.vae4j.mnist.cli;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.model.Vae;
import io.vae4j.mnist.run.RunDirectory;
import io.vae4j.mnist.run.RunLock;
import io.vae4j.mnist.run.RunRecord;
import io.vae4j.mnist.run.RunSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Opens the run directory that {@code train}, {@code anomaly} and {@code compare} train into: a new run from the
 * flags, or the directory's own run, with every setting taken from its record ({@code run.json}), never from
 * defaults. A directory whose records disagree is refused unless the user asks for {@code --restart}, which keeps
 * the recorded settings, moves the old files aside and starts from epoch 1.
 */
final class RunStart {
    /**
     * The model to train, the run's record, and a line to tell the user (or null); for a new run all three are null,
     * and the caller makes the model from the flags once the data's shape is known ({@link #fresh}).
     */
    record Opened(Vae vae, RunRecord record, String note) {
        boolean isNew() {
            return record == null;
        }
    }

    /** What the command asks of the directory. */
    enum Mode {
        /** A new run: the directory must not hold one (train without --resume). */
        NEW,
        /** The directory's run (train --resume). */
        RESUME,
        /** The directory's run if it holds one, else a new run (anomaly and compare, through --out). */
        RESUME_OR_NEW
    }

    private RunStart() {
    }

    /**
     * @param spec     the command, for usage errors and the command line
     * @param model    the model and data flags
     * @param dir      the run directory
     * @param restart  whether --restart was given
     * @param mode     what the command asks of the directory
     */
    static Opened open(CommandLine.Model.CommandSpec spec, ModelOptions model, Path dir, boolean restart,
            Mode mode) throws IOException {
        if (Files.isDirectory(dir)) {
            RunLock.requireFree(dir); // a run in progress: say so, before judging its files
        }
        RunDirectory rd = Files.isDirectory(dir) ? RunDirectory.read(dir) : null;
        if (rd == null || rd.empty()) {
            if (restart) {
                throw new UserException("--restart: " + dir + " holds no run to restart");
            }
            if (mode == Mode.RESUME) {
                throw new UserException("no run in " + dir + ": give the --out directory of an earlier ./vae train");
            }
            return new Opened(null, null, null);
        }
        if (mode == Mode.NEW && !restart) {
            throw new UserException(dir + " already holds a run; continue it with --resume " + dir
                    + ", or choose another --out");
        }
        RunRecord record = rd.record();
        if (record != null && record.config() == null && rd.hasCheckpoint()) {
            record = record.withConfig(rd.checkpointConfig()); // a run.json of an earlier version
        }
        if (restart) {
            if (record == null || record.config() == null) {
                throw new UserException("--restart: " + dir + " has no complete run record (" + "run.json) to take "
                        + "the settings from; start a new run with another --out");
            }
            record = agreed(spec, model, dir, record);
            Path moved = rd.moveAside();
            return new Opened(Vae.create(record.config()), record, "Moved the earlier files of " + dir + " to "
                    + moved + "; training the run again from epoch 1 with its recorded settings.");
        }
        List<String> bad = rd.disagreements();
        if (!bad.isEmpty()) {
            throw new UserException(dir + ": the run's records disagree: " + String.join("; ", bad)
                    + ". Nothing was changed. Start a new run with another --out, or add --restart to train this one "
                    + "again from epoch 1 with its recorded settings (its files are first moved to " + dir + "/"
                    + RunDirectory.PREVIOUS_PREFIX + "<time>/).");
        }
        record = agreed(spec, model, dir, record);
        if (rd.hasCheckpoint()) {
            Vae vae = Models.load(dir);
            return new Opened(vae, record, String.format("Continuing the run in %s (%d of %d epochs trained).", dir,
                    vae.epochsDone(), record.settings().epochs()));
        }
        return new Opened(Vae.create(record.config()), record, dir + " has no checkpoint yet (the run stopped "
                + "before its first epoch ended): starting it from the beginning with its recorded settings.");
    }

    /** The record, after checking that the flags given agree with it; --epochs may set a new total. */
    private static RunRecord agreed(CommandLine.Model.CommandSpec spec, ModelOptions model, Path dir,
            RunRecord record) {
        model.requireUnchanged(spec, dir, record.config(), record.settings());
        return spec.commandLine().getParseResult().hasMatchedOption("--epochs") ? record.withEpochs(model.epochs)
                : record;
    }

    /** The command line as the user typed it, for the record. */
    static List<String> commandLine(CommandLine.Model.CommandSpec spec) {
        List<String> cmd = new ArrayList<>();
        cmd.add("./vae");
        cmd.addAll(spec.root().commandLine().getParseResult().originalArgs());
        return cmd;
    }

    /** A new run's record from the flags. */
    static RunRecord fresh(CommandLine.Model.CommandSpec spec, RunSettings settings, VaeConfig config) {
        return RunRecord.start(settings, config, commandLine(spec));
    }
}
