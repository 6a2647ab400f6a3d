package io.vae4j.mnist.cli;

import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.MnistSplit;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.run.ReportExplorer;
import io.vae4j.mnist.run.RocAuc;
import io.vae4j.mnist.run.RunFiles;
import io.vae4j.mnist.run.RunReport;
import io.vae4j.mnist.run.RunRecord;
import io.vae4j.mnist.run.RunSettings;
import io.vae4j.mnist.run.TrainingJob;
import io.vae4j.mnist.run.WorkEstimate;
import io.vae4j.mnist.viz.ImageGrid;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Anomaly detection with the -ELBO: train without one digit, then see how well the score singles it out. */
@Command(name = "anomaly",
        header = "Train without one digit and detect it by its -ELBO.",
        footerHeading = "%nExamples:%n", footer = {"  ./vae anomaly --holdout 0", "  ./vae anomaly --holdout 9 --epochs 5 --out runs/anomaly-9"}, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train on every digit except --holdout, score every test image by its -ELBO (averaged over "
            + "--score-samples draws of z), and report the ROC AUC of the held-out digit against the rest. Writes "
            + "anomaly.json, most_anomalous.png and least_anomalous.png (and the usual training files)."})
final class AnomalyCommand implements Callable<Integer> {
    private static final int SHOWN = 32;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Mixin
    ModelOptions model;

    @Option(names = "--holdout", required = true, paramLabel = "D", description = "The digit left out of training.")
    int holdout;

    // not --samples: that is the training objective's draws per image, a model flag
    @Option(names = "--score-samples", paramLabel = "S", defaultValue = "5",
            description = "Draws of z per test image for its score, 1 to 1,000. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--restart", description = "Train the run in --out again from epoch 1 with its recorded "
            + "settings, after moving its files to DIR/previous-<time>/.")
    boolean restart;

    @Mixin
    WorkLimit limit;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: a new runs/anomaly-<D>-<time>). Given the directory of an "
            + "earlier, interrupted anomaly run, the command continues it.")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (holdout < 0 || holdout > 9) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--holdout must be a digit 0-9, got "
                    + holdout);
        }
        if (samples < 1 || samples > 1000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--score-samples must be in [1, 1000], got "
                    + samples);
        }
        Path runDir = out != null ? out : RunFiles.timestamped(Path.of("runs"), "anomaly-" + holdout);
        RunStart.Opened opened = RunStart.open(spec, model, runDir, restart, RunStart.Mode.RESUME_OR_NEW);
        RunRecord record = opened.record();
        if (record != null && record.settings().excludeDigit() != holdout) {
            if (opened.vae() != null) {
                opened.vae().close();
            }
            throw new UserException(runDir + " holds an anomaly run that held out digit "
                    + record.settings().excludeDigit() + ", not " + holdout + "; choose another --out");
        }
        if (opened.note() != null) {
            spec.commandLine().getOut().println(opened.note());
        }
        RunSettings settings = opened.isNew() ? model.settings(spec, holdout) : record.settings();
        VaeCli.logBackend();
        MnistData mnist = MnistData.load(data.dir(), settings, opened.isNew() ? model.seed : record.config().seed(),
                DataOptions.fetcher);
        if (opened.isNew()) {
            record = RunStart.fresh(spec, settings, model.config(spec, mnist.train().rows(), mnist.train().cols()));
        }
        int done = opened.vae() != null ? opened.vae().epochsDone() : 0;
        limit.check(WorkEstimate.trainingSeconds(record.config(), mnist.train().count(), mnist.test().count(),
                Math.max(0, settings.epochs() - done), WorkLimit.cores())
                + WorkEstimate.scoringSeconds(record.config(), mnist.test().count(), samples, WorkLimit.cores()),
                "training and scoring", "lower --epochs, --limit or --score-samples");
        WorkLimit.checkMemory(WorkEstimate.trainingBytes(record.config()), "a training step at --batch-size "
                + record.config().batchSize());
        try (Vae v = opened.vae() != null ? opened.vae() : Vae.create(record.config())) {
            TrainingJob.run(v, mnist, runDir, record, System.err, System.console() != null,
                    "the same ./vae anomaly command with --out " + runDir);
            MnistSplit test = mnist.test();
            double[] scores = new double[test.count()];
            boolean[] isHeldOut = new boolean[test.count()];
            for (int start = 0; start < test.count(); start += 1000) {
                int[] idx = java.util.stream.IntStream.range(start, Math.min(test.count(), start + 1000)).toArray();
                double[] s = v.anomalyScores(test.inputs(v.config().conditional(), idx), samples);
                System.arraycopy(s, 0, scores, start, s.length);
            }
            for (int i = 0; i < test.count(); i++) {
                isHeldOut[i] = test.label(i) == holdout;
            }
            double auc = RocAuc.of(scores, isHeldOut);
            Integer[] order = new Integer[scores.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
            int shown = Math.min(SHOWN, order.length);
            int[] most = new int[shown];
            int[] least = new int[shown];
            int heldOutAmongMost = 0;
            for (int i = 0; i < shown; i++) {
                most[i] = order[i];
                least[i] = order[order.length - 1 - i];
                heldOutAmongMost += isHeldOut[most[i]] ? 1 : 0;
            }
            ImageGrid.writePng(ImageGrid.grid(test.features(most), test.rows(), test.cols(), 8, 2),
                    runDir.resolve("most_anomalous.png"));
            ImageGrid.writePng(ImageGrid.grid(test.features(least), test.rows(), test.cols(), 8, 2),
                    runDir.resolve("least_anomalous.png"));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("holdout_digit", holdout);
            result.put("roc_auc", auc);
            result.put("test_images", test.count());
            result.put("held_out_test_images", count(isHeldOut, true));
            result.put("mean_score_held_out", mean(scores, isHeldOut, true));
            result.put("mean_score_rest", mean(scores, isHeldOut, false));
            result.put("held_out_among_" + shown + "_most_anomalous", heldOutAmongMost);
            result.put("score", "-ELBO in nats, mean over " + samples + " draws of z");
            RunFiles.writeJson(runDir.resolve("anomaly.json"), result);
            // the page again, now with the scores and the most and least anomalous images
            RunReport.write(runDir, null, ReportExplorer.of(v, test));
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.printf(Locale.ROOT, "Held-out digit %d: ROC AUC %.4f; mean -ELBO %.2f (digit %d) vs %.2f (others); "
                    + "%d of the %d most anomalous test images are %ds.%nRun directory: %s%n", holdout, auc,
                    mean(scores, isHeldOut, true), holdout, mean(scores, isHeldOut, false), heldOutAmongMost, shown,
                    holdout, runDir);
        }
        return 0;
    }

    private static int count(boolean[] flags, boolean value) {
        int n = 0;
        for (boolean f : flags) {
            n += f == value ? 1 : 0;
        }
        return n;
    }

    private static double mean(double[] scores, boolean[] flags, boolean value) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (flags[i] == value) {
                s += scores[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
