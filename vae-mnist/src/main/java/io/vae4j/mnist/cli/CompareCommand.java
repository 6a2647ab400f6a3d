package io.vae4j.mnist.cli;

import io.vae4j.core.config.ModelKind;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.model.Interpolation;
import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.MnistSplit;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.run.RunFiles;
import io.vae4j.mnist.run.RunRecord;
import io.vae4j.mnist.run.RunSettings;
import io.vae4j.mnist.run.TrainingJob;
import io.vae4j.mnist.run.WorkEstimate;
import io.vae4j.mnist.viz.ImageGrid;
import io.vae4j.mnist.viz.LatentPlots;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A VAE and a plain autoencoder trained with the same settings, drawn side by side. */
@Command(name = "compare",
        header = "Train a VAE and an autoencoder and draw them side by side.",
        footerHeading = "%nExamples:%n", footer = {"  ./vae compare --latent 2"}, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a VAE and a plain autoencoder with the same settings (into vae/ and ae/ under --out) "
            + "and draw them side by side: interpolation strips (compare_interpolation.png), latent scatter "
            + "(compare_latent.png) and samples decoded from z ~ N(0, I) (compare_samples.png). "
            + "Try --latent 2 to see the latent spaces directly."})
final class CompareCommand implements Callable<Integer> {
    /** Interpolate between the first test images of these digit pairs. */
    private static final int[][] DIGIT_PAIRS = {{0, 1}, {4, 9}, {3, 6}, {7, 2}};

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Mixin
    ModelOptions model;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: a new runs/compare-<time>). Given the directory of an "
            + "earlier, interrupted compare, the command continues it.")
    Path out;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "10",
            description = "Images per interpolation strip, 2 to 50. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--restart", description = "Train both runs in --out again from epoch 1 with their recorded "
            + "settings, after moving their files to previous-<time>/ in each.")
    boolean restart;

    @Mixin
    WorkLimit limit;

    @Override
    public Integer call() throws IOException {
        if (steps < 2 || steps > 50) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be in [2, 50], got " + steps);
        }
        Path dir = out != null ? out : RunFiles.timestamped(Path.of("runs"), "compare");
        // The same command run again (after Ctrl-C) continues the runs it finds under vae/ and ae/.
        Map<ModelKind, RunStart.Opened> opened = new java.util.EnumMap<>(ModelKind.class);
        RunRecord earlier = null;
        for (ModelKind kind : new ModelKind[] {ModelKind.VAE, ModelKind.AE}) {
            RunStart.Opened o = RunStart.open(spec, model, dir.resolve(kind.name().toLowerCase(Locale.ROOT)),
                    restart, RunStart.Mode.RESUME_OR_NEW);
            opened.put(kind, o);
            if (o.note() != null) {
                spec.commandLine().getOut().println(o.note());
            }
            earlier = earlier != null ? earlier : o.record();
        }
        RunSettings settings = earlier != null ? earlier.settings() : model.settings(spec, -1);
        long seed = earlier != null ? earlier.config().seed() : model.seed; // the data order the runs were trained with
        VaeCli.logBackend();
        MnistData mnist = MnistData.load(data.dir(), settings, seed, DataOptions.fetcher);
        MnistSplit test = mnist.test();
        VaeConfig base = earlier != null ? earlier.config() : model.config(spec, test.rows(), test.cols());
        limit.check(2 * WorkEstimate.trainingSeconds(base, mnist.train().count(), test.count(), settings.epochs(),
                WorkLimit.cores()), "training two models", "lower --epochs, --limit or the layer sizes");
        WorkLimit.checkMemory(WorkEstimate.trainingBytes(base), "a training step at --batch-size "
                + base.batchSize());
        int[][] pairs = pairs(test);
        Map<String, Object> summary = new LinkedHashMap<>();
        List<BufferedImage> interpolations = new ArrayList<>();
        List<BufferedImage> scatters = new ArrayList<>();
        List<BufferedImage> samples = new ArrayList<>();
        for (ModelKind kind : new ModelKind[] {ModelKind.VAE, ModelKind.AE}) {
            String name = kind.name();
            Path runDir = dir.resolve(name.toLowerCase(Locale.ROOT));
            RunStart.Opened o = opened.get(kind);
            RunRecord record = o.record() != null ? o.record()
                    : RunStart.fresh(spec, settings, base.toBuilder().optKind(kind).build());
            try (Vae vae = o.vae() != null ? o.vae() : Vae.create(record.config())) {
                TrainingJob.Result r = TrainingJob.run(vae, mnist, runDir, record, System.err,
                        System.console() != null, "the same ./vae compare command with --out " + dir);
                summary.put(name.toLowerCase(Locale.ROOT), Map.of("test_neg_elbo", r.finalTest().negElbo(),
                        "test_recon", r.finalTest().reconstruction(), "test_kl", r.finalTest().kl()));
                List<BufferedImage> strips = LatentPlots.strips(vae, test, pairs, steps, Interpolation.LINEAR);
                List<String> captions = new ArrayList<>();
                for (int[] p : pairs) {
                    captions.add(name + ": digit " + test.label(p[0]) + " to digit " + test.label(p[1]));
                }
                interpolations.add(ImageGrid.captioned(captions, strips));
                scatters.add(LatentPlots.scatter(vae, test, 5000, name + " posterior means"));
                samples.add(ImageGrid.captioned(List.of(name + ": decoded z ~ N(0, I)"),
                        List.of(ImageGrid.grid(vae.sample(64, 1), test.rows(), test.cols(), 8, 2))));
            }
        }
        ImageGrid.writePng(ImageGrid.sideBySide(interpolations), dir.resolve("compare_interpolation.png"));
        ImageGrid.writePng(ImageGrid.sideBySide(scatters), dir.resolve("compare_latent.png"));
        ImageGrid.writePng(ImageGrid.sideBySide(samples), dir.resolve("compare_samples.png"));
        RunFiles.writeJson(dir.resolve("compare.json"), summary);
        spec.commandLine().getOut().printf(Locale.ROOT, "VAE test -ELBO %.2f, AE test reconstruction NLL %.2f.%n"
                + "Wrote compare_interpolation.png, compare_latent.png and compare_samples.png to %s%n",
                ((Map<?, ?>) summary.get("vae")).get("test_neg_elbo"), ((Map<?, ?>) summary.get("ae")).get("test_recon"),
                dir);
        return 0;
    }

    /** Index pairs of the first test image of each digit pair that the test set has. */
    private static int[][] pairs(MnistSplit test) {
        int[] first = new int[10];
        java.util.Arrays.fill(first, -1);
        for (int i = 0; i < test.count(); i++) {
            if (first[test.label(i)] < 0) {
                first[test.label(i)] = i;
            }
        }
        List<int[]> out = new ArrayList<>();
        for (int[] p : DIGIT_PAIRS) {
            if (first[p[0]] >= 0 && first[p[1]] >= 0) {
                out.add(new int[] {first[p[0]], first[p[1]]});
            }
        }
        if (out.isEmpty()) {
            out.add(new int[] {0, Math.min(1, test.count() - 1)});
        }
        return out.toArray(new int[0][]);
    }
}
