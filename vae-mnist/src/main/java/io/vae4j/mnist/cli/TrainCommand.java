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
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains a model; its defaults are the reference protocol (MLP 784-400-20, Bernoulli, Adam 1e-3, 10 epochs). */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
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
            + "checkpoint; only --epochs (a new total) and --data may be given with it.")
    Path resume;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        Path runDir;
        RunSettings settings;
        Vae vae;
        if (resume != null) {
            rejectModelOptionsWithResume();
            runDir = resume;
            settings = RunFiles.readSettings(resume);
            if (matched("--epochs")) {
                settings = settings.withEpochs(model.epochs);
            }
            vae = Models.load(resume);
            if (vae.epochsDone() >= settings.epochs()) {
                stdout.printf("%s has already trained %d of %d epochs; pass --epochs N (a larger total) to train on.%n",
                        resume, vae.epochsDone(), settings.epochs());
                vae.close();
                return 0;
            }
        } else {
            runDir = out != null ? out : Path.of("runs", "train-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            if (Files.exists(runDir.resolve(RunFiles.MODEL))) {
                throw new UserException(runDir + " already holds a run; continue it with --resume " + runDir
                        + " or choose another --out");
            }
            settings = model.settings(spec, -1);
            vae = null;
        }
        VaeCli.logBackend();
        MnistData mnist = MnistData.load(data.dir(), settings, resume != null ? vae.config().seed() : model.seed,
                DataOptions.fetcher);
        if (vae == null) {
            vae = Vae.create(model.config(spec, mnist.train().rows(), mnist.train().cols()));
        }
        try (Vae v = vae) {
            TrainingJob.Result r = TrainingJob.run(v, mnist, runDir, System.err, System.console() != null);
            stdout.printf(Locale.ROOT, "Test -ELBO after %d epochs: %.2f nats per image (reconstruction %.2f, KL %.2f) "
                    + "on %d test images.%nRun directory: %s%n", v.epochsDone(), r.finalTest().negElbo(),
                    r.finalTest().reconstruction(), r.finalTest().kl(), r.finalTest().examples(), runDir);
        }
        return 0;
    }

    private boolean matched(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private void rejectModelOptionsWithResume() {
        for (CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String name = o.longestName();
            if (!name.equals("--resume") && !name.equals("--epochs") && !name.equals("--data")) {
                throw new CommandLine.ParameterException(spec.commandLine(), name + " cannot be changed when "
                        + "resuming: the run continues with its saved settings (only --epochs and --data may be given)");
            }
        }
    }
}
