package io.vae4j.mnist.cli;

import io.vae4j.core.model.Vae;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.run.RunFiles;
import io.vae4j.mnist.run.RunSettings;
import io.vae4j.mnist.run.TrainingJob;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains a model; its defaults are the reference protocol (MLP 784-400-20, Bernoulli, Adam 1e-3, 10 epochs). */
@Command(name = "train",
        header = "Train a VAE, autoencoder or conditional VAE on MNIST.",
        footerHeading = "%nExamples:%n", footer = {"  ./vae train", "  ./vae train --latent 2 --epochs 5 --out runs/latent2d", "  ./vae train --kind cvae", "  ./vae train --resume runs/train-20261207-101500"}, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a VAE (or autoencoder) on MNIST. Each epoch writes metrics.csv, reconstruction_<epoch>"
            + ".png, samples_<epoch>.png and the checkpoint model.vae into the run directory; the end writes "
            + "metrics.json. Ctrl-C keeps the last complete checkpoint; --resume continues from it."})
final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Mixin
    ModelOptions model;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/train-<time>).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its last "
            + "checkpoint. Other flags may be given again with the values the run has (so the original command plus "
            + "--resume works); only --epochs (a new total) and --data may change. A run stopped before its first "
            + "checkpoint starts again from the beginning.")
    Path resume;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        Path runDir;
        RunSettings settings;
        Vae vae;
        if (resume != null && Files.exists(resume.resolve(RunFiles.MODEL))) {
            runDir = resume;
            RunSettings saved = RunFiles.readSettings(resume);
            vae = Models.load(resume);
            try {
                requireUnchanged(vae.config(), saved);
            } catch (CommandLine.ParameterException e) {
                vae.close();
                throw e;
            }
            settings = matched("--epochs") ? saved.withEpochs(model.epochs) : saved;
            if (vae.epochsDone() >= settings.epochs()) {
                stdout.printf("%s has already trained %d of %d epochs; pass --epochs N (a larger total) to train on.%n",
                        resume, vae.epochsDone(), settings.epochs());
                vae.close();
                return 0;
            }
        } else if (resume != null) {
            if (!Files.isDirectory(resume)) {
                throw new UserException("no run directory at " + resume + ": give the --out directory of an earlier "
                        + "./vae train");
            }
            // Stopped before its first checkpoint: nothing to continue, so the run starts again from the beginning
            // with the flags given (the original command's, when the user adds --resume to it).
            stdout.printf("%s has no checkpoint yet (the run stopped before its first epoch ended): starting it from "
                    + "the beginning.%n", resume);
            runDir = resume;
            settings = model.settings(spec, -1);
            vae = null;
        } else {
            runDir = out != null ? out : RunFiles.timestamped(Path.of("runs"), "train");
            if (Files.exists(runDir.resolve(RunFiles.MODEL))) {
                throw new UserException(runDir + " already holds a run; continue it with --resume " + runDir
                        + " or choose another --out");
            }
            settings = model.settings(spec, -1);
            vae = null;
        }
        VaeCli.logBackend();
        MnistData mnist = MnistData.load(data.dir(), settings, vae != null ? vae.config().seed() : model.seed,
                DataOptions.fetcher);
        if (vae == null) {
            vae = Vae.create(model.config(spec, mnist.train().rows(), mnist.train().cols()));
        }
        try (Vae v = vae) {
            TrainingJob.Result r = TrainingJob.run(v, mnist, runDir, System.err, System.console() != null,
                    "./vae train --resume " + runDir);
            stdout.printf(Locale.ROOT, "Test -ELBO after %d epochs: %.2f nats per image (reconstruction %.2f, KL %.2f) "
                    + "on %d test images.%nRun directory: %s%n", v.epochsDone(), r.finalTest().negElbo(),
                    r.finalTest().reconstruction(), r.finalTest().kl(), r.finalTest().examples(), runDir);
        }
        return 0;
    }

    private boolean matched(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /**
     * Every flag given with --resume must have the value the run was trained with: the original command with
     * --resume added is accepted, a real change is refused naming the flag and both values.
     */
    private void requireUnchanged(io.vae4j.core.config.VaeConfig trained, RunSettings saved) {
        if (out != null && !out.toAbsolutePath().normalize().equals(resume.toAbsolutePath().normalize())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out cannot be changed when resuming "
                    + resume + ": the run has " + resume + ", the command gives " + out);
        }
        model.requireUnchanged(spec, resume, trained, saved);
    }
}
