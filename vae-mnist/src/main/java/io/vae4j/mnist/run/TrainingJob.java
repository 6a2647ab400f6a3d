package io.vae4j.mnist.run;

import io.vae4j.core.backend.BackendInfo;
import io.vae4j.core.config.Objective;
import io.vae4j.core.eval.ElboResult;
import io.vae4j.core.io.ProjectVersion;
import io.vae4j.core.model.Vae;
import io.vae4j.core.train.EpochSummary;
import io.vae4j.core.train.Trainer;
import io.vae4j.mnist.data.MnistIterator;
import io.vae4j.mnist.data.MnistSplit;
import io.vae4j.mnist.viz.ImageGrid;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a model on MNIST epoch by epoch and, after each epoch, writes into the run directory: the test -ELBO to
 * metrics.csv, {@code reconstruction_<epoch>.png}, {@code samples_<epoch>.png}, the checkpoint model.vae and
 * report.html (a page that refreshes itself while the run goes on, with the latent explorer of that epoch's model). At the end it writes metrics.json and the
 * final report.
 *
 * <p>Every file is written atomically, and all of an epoch's files are written under one lock that a shutdown
 * hook takes on Ctrl-C: an interrupt waits for the epoch's files to be complete, so the run directory always holds
 * a loadable checkpoint of the last finished epoch and no partial file.
 */
public final class TrainingJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);
    private static final int SHOWN_RECONSTRUCTIONS = 8;
    private static final int SHOWN_SAMPLES = 64;
    /** Prior samples use the same z every epoch, so the pictures show the decoder improving. */
    private static final long SAMPLE_SEED = 1234;
    /** The test bound's draws are the same every epoch, so its changes are the model's. */
    private static final long TEST_BOUND_SEED = 4321;

    /** What a finished job did: every epoch's metrics (a resumed run's earlier ones too) and the final test score. */
    public record Result(List<MetricsLog.Row> rows, ElboResult finalTest) {
    }

    private TrainingJob() {
    }

    /**
     * Trains {@code vae} until it has done {@code settings.epochs()} epochs, continuing from its epoch count
     * (so a loaded checkpoint resumes where it stopped). {@code resumeCommand} is what the Ctrl-C message tells the
     * user to run to continue.
     */
    public static Result run(Vae vae, MnistData data, Path runDir, RunRecord record, PrintStream console,
            boolean terminal, String resumeCommand) throws IOException {
        if (!record.config().equals(vae.config()) || !record.settings().equals(data.settings())) {
            throw new IllegalArgumentException("the run record does not describe this model and data");
        }
        // one run per directory: a second run started into it is refused instead of mixing its files in
        try (RunLock lock = RunLock.acquire(runDir)) {
            return runLocked(vae, data, runDir, record, console, terminal, resumeCommand);
        }
    }

    private static Result runLocked(Vae vae, MnistData data, Path runDir, RunRecord record, PrintStream console,
            boolean terminal, String resumeCommand) throws IOException {
        RunSettings settings = data.settings();
        Files.createDirectories(runDir);
        RunFiles.removeStaleTemporaries(runDir);
        record.write(runDir); // before the first epoch: the run's identity
        MetricsLog metrics = MetricsLog.open(runDir);
        recoverMissingRow(vae, data, metrics);
        int h = data.test().rows();
        int w = data.test().cols();
        boolean labels = vae.config().conditional();
        int[] first = java.util.stream.IntStream.range(0, Math.min(SHOWN_RECONSTRUCTIONS, data.test().count()))
                .toArray();
        INDArray shown = data.test().features(first);
        INDArray shownInputs = data.test().inputs(labels, first);
        int batch = vae.config().batchSize();
        MnistIterator train = data.trainIterator(batch, vae.epochsDone(), labels);
        Progress progress = new Progress(console, terminal, data.train().count(), settings.epochs());

        ReentrantLock outputs = new ReentrantLock();
        int[] lastCheckpoint = {vae.epochsDone()};
        Thread hook = new Thread(() -> {
            try {
                if (!outputs.tryLock(120, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            console.println();
            console.println("Interrupted. " + (lastCheckpoint[0] > 0
                    ? "The checkpoint of epoch " + lastCheckpoint[0] + " in " + runDir + " is complete; continue with: "
                    + resumeCommand
                    : "No epoch had finished, so there is no checkpoint yet."));
            console.flush();
        }, "vae-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        ElboResult test = null;
        try (Trainer trainer = new Trainer(vae)) {
            LOG.info(String.format(java.util.Locale.ROOT, "Compiled the training step in %.1f s",
                    trainer.prepare()));
            LOG.info("Training {} epochs ({} to {}) on {} images, testing on {}; run directory {}",
                    settings.epochs() - vae.epochsDone(), vae.epochsDone() + 1, settings.epochs(),
                    data.train().count(), data.test().count(), runDir);
            while (vae.epochsDone() < settings.epochs()) {
                long epochStart = System.nanoTime();
                EpochSummary s = trainer.fit(train, 1, progress).get(0);
                test = vae.evaluate(data.testIterator(1000, labels));
                int epoch = s.epoch() + 1;
                double testBound = testNegBound(vae, data);
                MetricsLog.Row row = new MetricsLog.Row(epoch, test.negElbo(), test.reconstruction(), test.kl(),
                        s.negElbo(), s.reconstruction(), s.kl(), s.beta(), s.examplesPerSecond(), s.seconds(),
                        s.negBound(), testBound);
                outputs.lock();
                try {
                    // The checkpoint is the commit point: the epoch's row and pictures follow it, so a failed save
                    // (a full disk) never leaves a directory describing an epoch the model does not have.
                    vae.save(runDir.resolve(RunFiles.MODEL));
                    lastCheckpoint[0] = epoch;
                    metrics.append(row);
                    INDArray pair = org.nd4j.linalg.factory.Nd4j.vstack(shown, vae.reconstruct(shownInputs));
                    ImageGrid.writePng(ImageGrid.grid(pair, h, w, (int) shown.size(0), 3),
                            runDir.resolve("reconstruction_" + epoch + ".png"));
                    // a conditional model's samples take the labels in turn: ten columns, one per digit
                    ImageGrid.writePng(labels
                            ? ImageGrid.grid(vae.sample(6 * vae.config().classes(), SAMPLE_SEED), h, w,
                                    vae.config().classes(), 2)
                            : ImageGrid.grid(vae.sample(SHOWN_SAMPLES, SAMPLE_SEED), h, w, 8, 2),
                            runDir.resolve("samples_" + epoch + ".png"));
                    // the page a user keeps open: it says how far the run is and refreshes itself until the end
                    double perEpoch = (System.nanoTime() - epochStart) / 1e9;
                    RunReport.write(runDir, epoch < settings.epochs()
                            ? new RunReport.Live(epoch, settings.epochs(), perEpoch * (settings.epochs() - epoch))
                            : null, ReportExplorer.of(vae, data.test()));
                } finally {
                    outputs.unlock();
                }
                LOG.info(String.format(java.util.Locale.ROOT,
                        "epoch %d/%d: test -ELBO %.2f (recon %.2f, KL %.2f), train -ELBO %.2f, %sbeta %.2f, "
                                + "%,.0f samples/s, %.1f s",
                        epoch, settings.epochs(), test.negElbo(), test.reconstruction(), test.kl(), s.negElbo(),
                        Double.isNaN(testBound) ? "" : String.format(java.util.Locale.ROOT,
                                "-IWAE bound (K=%d) train %.2f, test %.2f, ", vae.config().samples(), s.negBound(),
                                testBound),
                        s.beta(), s.examplesPerSecond(), s.seconds()));
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
        if (test == null) {
            test = vae.evaluate(data.testIterator(1000, labels));
        }
        writeSummary(runDir, vae, metrics.rows(), test, settings);
        // the run has ended: the page stops refreshing, and shows the summary
        RunReport.write(runDir, null, ReportExplorer.of(vae, data.test()));
        return new Result(metrics.rows(), test);
    }

    /**
     * The checkpoint is written before its epoch's row: an interruption between the two leaves the checkpoint one
     * epoch ahead of metrics.csv. That row's test figures are computed again from the checkpoint; its training
     * figures are gone, and are written as NaN rather than invented.
     */
    private static void recoverMissingRow(Vae vae, MnistData data, MetricsLog metrics) throws IOException {
        List<MetricsLog.Row> rows = metrics.rows();
        int last = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).epoch();
        if (vae.epochsDone() != last + 1) {
            return;
        }
        ElboResult test = vae.evaluate(data.testIterator(1000, vae.config().conditional()));
        metrics.append(new MetricsLog.Row(vae.epochsDone(), test.negElbo(), test.reconstruction(), test.kl(),
                Double.NaN, Double.NaN, Double.NaN, vae.config().betaAt(vae.epochsDone() - 1), Double.NaN,
                Double.NaN, Double.NaN, testNegBound(vae, data)));
        LOG.warn("metrics.csv had no row for epoch {}, whose checkpoint was written just before an interruption: "
                + "its test figures were computed again, its training figures are unknown (NaN)", vae.epochsDone());
    }

    /**
     * The test set's negated importance-weighted bound at the K the model trains with, per image, for a model
     * trained on that bound (NaN for the others): the figure its training objective is comparable with.
     */
    private static double testNegBound(Vae vae, MnistData data) {
        if (vae.config().objective() != Objective.IWAE) {
            return Double.NaN;
        }
        MnistSplit test = data.test();
        double sum = 0;
        for (int start = 0; start < test.count(); start += 1000) {
            int[] idx = java.util.stream.IntStream.range(start, Math.min(test.count(), start + 1000)).toArray();
            for (double logP : vae.importanceWeightedLogLikelihood(test.inputs(vae.config().conditional(), idx),
                    vae.config().samples(), TEST_BOUND_SEED + start)) {
                sum -= logP;
            }
        }
        return sum / test.count();
    }

    private static void writeSummary(Path runDir, Vae vae, List<MetricsLog.Row> rows, ElboResult test,
                                     RunSettings settings) throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("epochs", vae.epochsDone());
        summary.put("test_neg_elbo", test.negElbo());
        summary.put("test_recon", test.reconstruction());
        summary.put("test_kl", test.kl());
        summary.put("test_images", test.examples());
        MetricsLog.Row best = rows.stream().min(java.util.Comparator.comparingDouble(MetricsLog.Row::testNegElbo))
                .orElse(null);
        if (best != null) {
            summary.put("best_test_neg_elbo", best.testNegElbo());
            summary.put("best_epoch", best.epoch());
        }
        if (vae.config().objective() == Objective.IWAE && !rows.isEmpty()) {
            summary.put("test_neg_iwae_bound", rows.get(rows.size() - 1).testNegBound());
            summary.put("iwae_samples", vae.config().samples());
        }
        summary.put("train_seconds", rows.stream().mapToDouble(MetricsLog.Row::seconds).sum());
        summary.put("mean_train_samples_per_s",
                rows.stream().mapToDouble(MetricsLog.Row::trainSamplesPerSecond).average().orElse(Double.NaN));
        summary.put("backend", BackendInfo.current().describe());
        summary.put("project_version", ProjectVersion.get());
        summary.put("config", vae.config());
        summary.put("run", settings);
        RunFiles.writeJson(runDir.resolve(RunFiles.METRICS_JSON), summary);
    }
}
