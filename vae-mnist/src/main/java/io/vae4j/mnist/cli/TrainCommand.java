package io.vae4j.mnist.cli;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.model.Vae;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.run.RunFiles;
import io.vae4j.mnist.run.RunRecord;
import io.vae4j.mnist.run.RunSettings;
import io.vae4j.mnist.run.TrainingJob;
import io.vae4j.mnist.run.WorkEstimate;
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
            + "checkpoint, with every setting from its record (run.json). Flags given again must have the run's values "
            + "(so the original command plus --resume works); only --epochs (a new total) and --data may change. A "
            + "directory whose records disagree is refused.")
    Path resume;

    @Option(names = "--restart", description = "With --resume: train the run again from epoch 1 with its recorded "
            + "settings, after moving its files to DIR/previous-<time>/.")
    boolean restart;

    @Mixin
    WorkLimit limit;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        if (restart && resume == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--restart needs --resume DIR: the run to "
                    + "train again");
        }
        if (resume != null && out != null && !out.toAbsolutePath().normalize().equals(resume.toAbsolutePath()
                .normalize())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out cannot be changed when resuming "
                    + resume + ": the run has " + resume + ", the command gives " + out);
        }
        if (resume != null && !Files.isDirectory(resume)) {
            throw new UserException("no run directory at " + resume + ": give the --out directory of an earlier "
                    + "./vae train");
        }
        Path runDir = resume != null ? resume : out != null ? out : RunFiles.timestamped(Path.of("runs"), "train");
        RunStart.Opened opened = RunStart.open(spec, model, runDir, restart,
                resume != null ? RunStart.Mode.RESUME : RunStart.Mode.NEW);
        Vae vae = opened.vae();
        RunRecord record = opened.record();
        try {
            if (opened.note() != null) {
                stdout.println(opened.note());
            }
            if (vae != null && vae.epochsDone() >= record.settings().epochs()) {
                stdout.printf("%s has already trained %d of %d epochs; pass --epochs N (a larger total) to train on.%n",
                        runDir, vae.epochsDone(), record.settings().epochs());
                vae.close();
                return 0;
            }
            RunSettings settings = opened.isNew() ? model.settings(spec, -1) : record.settings();
            VaeCli.logBackend();
            MnistData mnist = MnistData.load(data.dir(), settings, opened.isNew() ? model.seed
                    : record.config().seed(), DataOptions.fetcher);
            if (opened.isNew()) {
                VaeConfig config = model.config(spec, mnist.train().rows(), mnist.train().cols());
                record = RunStart.fresh(spec, settings, config);
            }
            VaeConfig config = record.config();
            int done = vae != null ? vae.epochsDone() : 0;
            limit.check(WorkEstimate.trainingSeconds(config, mnist.train().count(), mnist.test().count(),
                    settings.epochs() - done, WorkLimit.cores()), String.format(Locale.ROOT,
                    "training %d epochs of %,d images", settings.epochs() - done, mnist.train().count()),
                    "lower --epochs, --limit or the layer sizes");
            WorkLimit.checkMemory(WorkEstimate.trainingBytes(config), "a training step at --batch-size "
                    + config.batchSize());
            if (vae == null) {
                vae = Vae.create(config);
            }
            try (Vae v = vae) {
                vae = null;
                TrainingJob.Result r = TrainingJob.run(v, mnist, runDir, record, System.err, System.console() != null,
                        "./vae train --resume " + runDir);
                stdout.printf(Locale.ROOT, "Test -ELBO after %d epochs: %.2f nats per image (reconstruction %.2f, KL "
                        + "%.2f) on %d test images.%nRun directory: %s%n", v.epochsDone(), r.finalTest().negElbo(),
                        r.finalTest().reconstruction(), r.finalTest().kl(), r.finalTest().examples(), runDir);
            }
        } finally {
            if (vae != null) {
                vae.close();
            }
        }
        return 0;
    }

}
