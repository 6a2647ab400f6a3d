package io.vae4j.mnist.cli;

import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.Binarization;
import io.vae4j.mnist.run.RunFiles;
import io.vae4j.mnist.run.RunSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finding and loading the model that a {@code --model} flag names: a run directory or a model file. */
final class Models {
    private Models() {
    }

    /** The run directory of a --model value: the directory itself, or the directory of a model file. */
    static Path runDir(Path model) {
        Path abs = model.toAbsolutePath();
        return Files.isDirectory(abs) ? abs : abs.getParent();
    }

    static Path modelFile(Path model) {
        return Files.isDirectory(model) ? model.resolve(RunFiles.MODEL) : model;
    }

    /** Loads the model, or fails with one line saying what is wrong and what to do. */
    static Vae load(Path model) {
        Path file = modelFile(model);
        if (!Files.exists(model)) {
            throw new UserException("no model at " + model + ": give a run directory written by ./vae train, or a "
                    + ".vae model file");
        }
        if (!Files.exists(file)) {
            throw new UserException(model + " has no " + RunFiles.MODEL + ": is it a run directory written by "
                    + "./vae train? (an interrupted run has one only after its first epoch)");
        }
        VaeCli.logBackend();
        try {
            return Vae.load(file);
        } catch (IOException e) {
            throw new UserException("cannot load the model: " + e.getMessage(), e);
        }
    }

    /** The data settings the model was trained with, or plain [0,1] pixels if the run has no run.json. */
    static RunSettings settings(Path model, int epochs) {
        Path dir = runDir(model);
        if (Files.exists(dir.resolve(RunFiles.SETTINGS))) {
            try {
                return RunFiles.readSettings(dir);
            } catch (IOException e) {
                throw new UserException(e.getMessage(), e);
            }
        }
        return new RunSettings(Math.max(1, epochs), Binarization.NONE, 0, 0, -1);
    }
}
