package io.vae4j.mnist.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vae4j.core.eval.ElboResult;
import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.MnistFiles;
import io.vae4j.mnist.data.MnistIterator;
import io.vae4j.mnist.data.SyntheticMnist;
import io.vae4j.mnist.run.MetricsLog;
import io.vae4j.mnist.run.RunFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;

/** Every command through picocli's execute, on a small synthetic MNIST made here. */
class CliTest {
    @TempDir
    static Path root;

    static Path data;
    static Path run;

    /** Small, fast settings; the model has a 2-D latent space so the manifold is drawn too. */
    static final String[] SMALL = {"--hidden", "64", "--latent", "2", "--batch-size", "64", "--test-limit", "200"};

    @BeforeAll
    static void trainOnce() throws IOException {
        data = root.resolve("mnist");
        SyntheticMnist.write(data, 600, 300, 7, true);
        run = root.resolve("run");
        CliRunner.Run r = CliRunner.run(concat(new String[] {"train", "--data", data.toString(), "--out",
            run.toString(), "--epochs", "2"}, SMALL));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Test -ELBO after 2 epochs"), r.out());
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** train writes report.html itself, after every epoch; the finished run's page no longer refreshes. */
    @Test
    void trainWritesTheReportWithoutBeingAsked() throws IOException {
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("Epoch 2: test images") && html.contains("Loss curves"), "the last epoch's report");
        assertFalse(html.contains("http-equiv=\"refresh\""), "the run has ended: no refresh");
    }

    @Test
    void trainWritesMetricsPicturesAndACheckpointPerEpoch() throws IOException {
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertTrue(csv.get(0).startsWith("epoch,test_neg_elbo,test_recon,test_kl,train_neg_elbo"), csv.get(0));
        assertTrue(csv.get(0).contains("train_samples_per_s") && csv.get(0).contains("seconds"), csv.get(0));
        assertEquals(3, csv.size());
        for (int e = 1; e <= 2; e++) {
            BufferedImage rec = ImageIO.read(run.resolve("reconstruction_" + e + ".png").toFile());
            assertEquals(8 * 84 + 9 * 2, rec.getWidth()); // 8 images of 28 px at scale 3, 2 px gaps
            assertEquals(2 * 84 + 3 * 2, rec.getHeight());
            BufferedImage samples = ImageIO.read(run.resolve("samples_" + e + ".png").toFile());
            assertEquals(8 * 56 + 9 * 2, samples.getWidth());
        }
        JsonNode summary = RunFiles.JSON.readTree(run.resolve("metrics.json").toFile());
        String[] last = csv.get(2).split(",");
        assertEquals(Double.parseDouble(last[1]), summary.get("test_neg_elbo").asDouble(), 1e-3);
        assertEquals(2, summary.get("epochs").asInt());
        // The reported test -ELBO is the model's, recomputed here through the library on the same 200 images.
        try (Vae vae = Vae.load(run.resolve("model.vae"))) {
            assertEquals(2, vae.epochsDone());
            ElboResult check = vae.evaluate(MnistIterator.inOrder(MnistFiles.test(data).limit(200), 1000));
            assertEquals(check.negElbo(), summary.get("test_neg_elbo").asDouble(), 1e-3);
            assertEquals(check.reconstruction() + check.kl(), check.negElbo(), 1e-9);
            // It learnt: clearly below the same model untrained, on the same images and noise.
            try (Vae untrained = Vae.create(vae.config())) {
                double before = untrained.evaluate(MnistIterator.inOrder(MnistFiles.test(data).limit(200), 1000))
                        .negElbo();
                assertTrue(check.negElbo() < 0.9 * before, check.negElbo() + " after training vs " + before);
            }
        }

        try (Stream<Path> files = Files.list(run)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left");
        }
    }

    /** Two epochs, or one epoch then --resume for the second: the same parameters. */
    @Test
    void resumedRunMatchesTheUninterruptedOne() throws IOException {
        Path half = root.resolve("half");
        assertEquals(0, CliRunner.run(concat(new String[] {"train", "--data", data.toString(), "--out",
            half.toString(), "--epochs", "1"}, SMALL)).exitCode());
        // a changed setting is refused, naming the flag and both values
        CliRunner.Run changed = CliRunner.run("train", "--resume", half.toString(), "--epochs", "2", "--data",
                data.toString(), "--latent", "3");
        assertEquals(2, changed.exitCode());
        assertTrue(changed.err().contains("--latent cannot be changed when resuming") && changed.err().contains(
                "the run has 2, the command gives 3"), changed.err());
        // the original command with --resume added is accepted (its flags have the run's values)
        CliRunner.Run r = CliRunner.run(concat(new String[] {"train", "--resume", half.toString(), "--out",
            half.toString(), "--epochs", "2", "--data", data.toString()}, SMALL));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(3, Files.readAllLines(half.resolve("metrics.csv")).size());
        try (Vae a = Vae.load(run.resolve("model.vae")); Vae b = Vae.load(half.resolve("model.vae"))) {
            for (SDVariable v : a.graph().variables()) {
                if (v.getVariableType() == VariableType.VARIABLE) {
                    assertArrayEquals(v.getArr().reshape(-1).toFloatVector(),
                            b.graph().getVariable(v.name()).getArr().reshape(-1).toFloatVector(), 1e-6f, v.name());
                }
            }
        }
        CliRunner.Run again = CliRunner.run("train", "--resume", half.toString(), "--data", data.toString());
        assertEquals(0, again.exitCode());
        assertTrue(again.out().contains("already trained 2 of 2 epochs"), again.out());
    }

    /** An --out that is a regular file: one line naming the path and the problem, not a bare path. */
    @Test
    void aFileAsTheRunDirectoryIsNamedAsSuch() throws IOException {
        Path file = Files.writeString(root.resolve("a-file"), "x");
        CliRunner.Run r = CliRunner.run(concat(new String[] {"train", "--data", data.toString(), "--out",
            file.toString(), "--epochs", "1"}, SMALL));
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("train: error: " + file + ": is a file, where a directory is needed"), r.err());
    }

    /** Default run directories are fresh: a command run twice in the same second does not reuse the first's. */
    @Test
    void defaultRunDirectoriesAreNeverReused() throws IOException {
        Path parent = root.resolve("defaults");
        Path first = RunFiles.timestamped(parent, "compare");
        Files.createDirectories(first);
        Path second = RunFiles.timestamped(parent, "compare");
        assertTrue(second.getFileName().toString().startsWith("compare-"), second.toString());
        assertFalse(second.equals(first) || Files.exists(second), first + " then " + second);
    }

    /**
     * A run stopped before its first checkpoint has only its record: --resume starts it again from the beginning
     * with the recorded settings, not the defaults, and says so. A directory with no record is no run.
     */
    @Test
    void resumingARunWithoutACheckpointStartsItFromTheBeginning() throws IOException {
        Path early = Files.createDirectories(root.resolve("early"));
        CliRunner.Run none = CliRunner.run("train", "--resume", early.toString(), "--data", data.toString());
        assertEquals(1, none.exitCode());
        assertTrue(none.err().contains("no run in " + early), none.err());
        io.vae4j.core.config.VaeConfig recorded = io.vae4j.core.config.VaeConfig.builder().setInputShape(1, 28, 28)
                .setLatentSize(3).optEncoderHidden(List.of(24)).optBatchSize(64).build();
        io.vae4j.mnist.run.RunRecord.start(new io.vae4j.mnist.run.RunSettings(1,
                io.vae4j.mnist.data.Binarization.NONE, 0, 100, -1), recorded, List.of("test")).write(early);
        CliRunner.Run r = CliRunner.run("train", "--resume", early.toString(), "--data", data.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("has no checkpoint yet") && r.out().contains("starting it from the beginning"),
                r.out());
        try (Vae v = Vae.load(early.resolve(RunFiles.MODEL))) {
            assertEquals(1, v.epochsDone());
            assertEquals(recorded, v.config()); // the record's settings, not defaults
        }
    }

    @Test
    void evaluateReportsElboAndATighterImportanceWeightedBound() throws IOException {
        CliRunner.Run r = CliRunner.run("evaluate", "--model", run.toString(), "--data", data.toString(),
                "--iwae-k", "50", "--test-limit", "100");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode e = RunFiles.JSON.readTree(run.resolve("evaluation.json").toFile());
        assertEquals(100, e.get("test_images").asInt());
        double elbo = e.get("test_neg_elbo").asDouble();
        double nll = e.get("test_nll_iwae").asDouble();
        assertTrue(nll <= elbo + 0.5 && nll > 0, "NLL " + nll + " vs -ELBO " + elbo);
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%.2f", nll)), r.out());
        // One seed rule: by default the model's seed, the one training's per-epoch test -ELBO uses, so on the
        // same 200 images evaluate reports the -ELBO of metrics.csv's last row (written to 4 decimals).
        assertEquals(0, CliRunner.run("evaluate", "--model", run.toString(), "--data", data.toString(),
                "--iwae-k", "0", "--test-limit", "200").exitCode());
        JsonNode same = RunFiles.JSON.readTree(run.resolve("evaluation.json").toFile());
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        double logged = Double.parseDouble(csv.get(csv.size() - 1).split(",")[1]);
        assertEquals(logged, same.get("test_neg_elbo").asDouble(), 5.1e-5);
        try (Vae v = Vae.load(run.resolve(RunFiles.MODEL))) {
            assertEquals(v.config().seed(), same.get("seed").asLong());
        }
    }

    @Test
    void pictureCommandsWriteTheirImages() throws IOException {
        Path dir = root.resolve("pictures");
        Files.createDirectories(dir);
        // --out is a directory for every command; each picture has a fixed name in it
        assertEquals(0, CliRunner.run("sample", "--model", run.toString(), "--count", "16", "--out",
                dir.toString()).exitCode());
        assertEquals(4 * 56 + 5 * 2, ImageIO.read(dir.resolve("samples.png").toFile()).getWidth());
        CliRunner.Run file = CliRunner.run("sample", "--model", run.toString(), "--out", dir.resolve("s.png")
                .toString());
        assertEquals(1, file.exitCode());
        assertTrue(file.err().contains("--out is the directory the picture goes into (it will be named samples.png)"),
                file.err());
        assertEquals(0, CliRunner.run("reconstruct", "--model", run.toString(), "--data", data.toString(), "-n", "5",
                "--out", dir.toString()).exitCode());
        assertEquals(5 * 84 + 6 * 2, ImageIO.read(dir.resolve("reconstruction.png").toFile()).getWidth());
        for (String mode : new String[] {"linear", "spherical"}) {
            CliRunner.Run r = CliRunner.run("interpolate", "--model", run.toString(), "--data", data.toString(),
                    "--from", "0", "--to", "7", "--steps", "6", "--mode", mode, "--out", dir.toString());
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(6 * 84 + 7 * 2, ImageIO.read(dir.resolve("interpolation_" + mode + "_0_7.png").toFile())
                    .getWidth());
        }
        // with --model alone: from the first test image to the first of another digit, into the run directory
        CliRunner.Run plain = CliRunner.run("interpolate", "--model", run.toString(), "--data", data.toString());
        assertEquals(0, plain.exitCode(), plain.err());
        io.vae4j.mnist.data.MnistSplit testSplit = MnistFiles.test(data);
        int other = 1;
        while (testSplit.label(other) == testSplit.label(0)) {
            other++;
        }
        assertTrue(plain.out().contains("from test image 0 (digit " + testSplit.label(0) + ") to " + other
                + " (digit " + testSplit.label(other) + ")"), plain.out());
        assertEquals(10 * 84 + 11 * 2, ImageIO.read(run.resolve("interpolation_linear_0_" + other + ".png")
                .toFile()).getWidth());
        CliRunner.Run latent = CliRunner.run("latent", "--model", run.toString(), "--data", data.toString(),
                "--out", dir.toString(), "--grid", "5");
        assertEquals(0, latent.exitCode(), latent.err());
        assertTrue(ImageIO.read(dir.resolve("latent.png").toFile()).getWidth() > 300);
        assertEquals(5 * 28 + 6 * 2, ImageIO.read(dir.resolve("manifold.png").toFile()).getWidth());
    }

    /**
     * arithmetic writes its pictures and JSON; "before" is the mean thickness of the model's own reconstructions of
     * the second half of the test set, recomputed here by hand; bad flags end in one line.
     */
    @Test
    void arithmeticMeasuresItsEditsAndDrawsThem() throws IOException {
        Path dir = root.resolve("arithmetic");
        CliRunner.Run r = CliRunner.run("arithmetic", "--model", run.toString(), "--data", data.toString(), "--out",
                dir.toString(), "--per-row", "6");
        assertEquals(0, r.exitCode(), r.err());
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("arithmetic.json").toFile());
        com.fasterxml.jackson.databind.JsonNode attrs = json.get("attributes");
        assertEquals(2, attrs.size());
        assertEquals("thickness", attrs.get(0).get("attribute").asText());
        assertEquals("slant", attrs.get(1).get("attribute").asText());
        io.vae4j.mnist.data.MnistSplit test = MnistFiles.test(data);
        int half = test.count() / 2;
        for (com.fasterxml.jackson.databind.JsonNode a : attrs) {
            assertEquals(test.count() - half, a.get("images").asInt());
            assertEquals(half, a.get("direction_images").asInt());
            assertEquals(1.0, a.get("scale").asDouble(), 0);
            for (String k : new String[] {"before", "after_minus", "after_plus"}) {
                assertTrue(Double.isFinite(a.get(k).asDouble()), k);
            }
            assertEquals(a.get("after_minus").asDouble() < a.get("before").asDouble()
                    && a.get("before").asDouble() < a.get("after_plus").asDouble(),
                    a.get("moved_as_intended").asBoolean());
        }
        int[] second = java.util.stream.IntStream.range(half, test.count()).toArray();
        double ink = 0;
        try (io.vae4j.core.model.Vae vae = io.vae4j.core.model.Vae.load(run.resolve("model.vae"))) {
            double[] pixels = vae.reconstruct(test.features(second)).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                    .reshape(-1).toDoubleVector();
            for (double p : pixels) {
                ink += p;
            }
            ink /= pixels.length;
        }
        assertEquals(ink, attrs.get(0).get("before").asDouble(), 1e-5);
        // 3 rows of 6 images per attribute, 2 px scale
        java.awt.image.BufferedImage png = ImageIO.read(dir.resolve("arithmetic.png").toFile());
        assertEquals(6 * 56 + 7 * 2 + 16, png.getWidth());
        assertEquals(11 * 56 + 12 * 2 + 16, ImageIO.read(dir.resolve("analogy.png").toFile()).getWidth());
        for (String[] bad : new String[][] {{"--scale", "0"}, {"--test-limit", "3"}, {"--per-row", "0"}}) {
            CliRunner.Run b = CliRunner.run(concat(new String[] {"arithmetic", "--model", run.toString(), "--data",
                data.toString(), "--out", dir.toString()}, bad));
            assertEquals(2, b.exitCode(), String.join(" ", bad));
            assertTrue(b.err().startsWith(bad[0] + " must be"), b.err());
        }
    }

    /**
     * A denoising model trains with --corrupt (kept in the model, refused if changed on resume); denoise defaults to
     * that corruption and its psnr_corrupted equals the PSNR recomputed here from the same seeded corruption.
     */
    @Test
    void denoisingTrainsAndDenoiseMeasuresPsnr() throws IOException {
        Path dn = root.resolve("denoising");
        CliRunner.Run t = CliRunner.run(concat(new String[] {"train", "--data", data.toString(), "--out",
            dn.toString(), "--epochs", "1", "--corrupt", "saltpepper:0.2"}, SMALL));
        assertEquals(0, t.exitCode(), t.err());
        try (io.vae4j.core.model.Vae vae = io.vae4j.core.model.Vae.load(dn.resolve("model.vae"))) {
            assertEquals(io.vae4j.core.config.Corruption.parse("saltpepper:0.2"), vae.config().corruption());
        }
        CliRunner.Run changed = CliRunner.run(concat(new String[] {"train", "--data", data.toString(), "--resume",
            dn.toString(), "--epochs", "2", "--corrupt", "mask:0.2"}, SMALL));
        assertEquals(2, changed.exitCode());
        assertTrue(changed.err().contains("--corrupt cannot be changed when resuming"), changed.err());

        Path dir = root.resolve("denoise-out");
        CliRunner.Run r = CliRunner.run("denoise", "--model", dn.toString(), "--data", data.toString(), "--out",
                dir.toString(), "--test-limit", "40", "--per-row", "7", "--seed", "5");
        assertEquals(0, r.exitCode(), r.err());
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("denoise.json").toFile());
        assertEquals("saltpepper:0.2", json.get("noise").asText());
        assertEquals("saltpepper:0.2", json.get("model_corruption").asText());
        assertEquals(40, json.get("images").asInt());
        assertEquals(5, json.get("seed").asLong());
        for (String k : new String[] {"psnr_corrupted", "psnr_denoised", "psnr_median3"}) {
            assertTrue(Double.isFinite(json.get(k).asDouble()), k);
        }
        io.vae4j.mnist.data.MnistSplit test = MnistFiles.test(data);
        float[] clean = test.features(java.util.stream.IntStream.range(0, 40).toArray()).reshape(-1).toFloatVector();
        float[] noisy = clean.clone();
        io.vae4j.core.config.Corruption.parse("saltpepper:0.2").apply(noisy, noisy.length,
                new java.util.SplittableRandom(5));
        double psnr = 0;
        for (int i = 0; i < 40; i++) {
            double se = 0;
            for (int j = 0; j < 784; j++) {
                double d = (double) clean[i * 784 + j] - noisy[i * 784 + j];
                se += d * d;
            }
            psnr += 10 * Math.log10(784 / Math.max(se, 784e-10));
        }
        assertEquals(psnr / 40, json.get("psnr_corrupted").asDouble(), 1e-9);
        assertEquals(7 * 84 + 8 * 2, ImageIO.read(dir.resolve("denoise.png").toFile()).getWidth());
        assertEquals(3 * 84 + 4 * 2, ImageIO.read(dir.resolve("denoise.png").toFile()).getHeight());

        // an ordinary model is denoised against gaussian:0.5 unless told otherwise
        CliRunner.Run plain = CliRunner.run("denoise", "--model", run.toString(), "--data", data.toString(), "--out",
                dir.toString(), "--test-limit", "20");
        assertEquals(0, plain.exitCode(), plain.err());
        assertTrue(plain.out().startsWith("Denoising gaussian:0.5 on 20 test images (model trained with none)"),
                plain.out());

        String[][] bad = {{"train", "--corrupt", "blur:1"}, {"train", "--corrupt", "gaussian:9"},
            {"denoise", "--model", run.toString(), "--noise", "none"}, {"denoise", "--model", run.toString(),
                "--noise", "mask:2"}};
        String[] says = {"unknown corruption 'blur:1': use gaussian:SIGMA, saltpepper:P, mask:P or none",
            "gaussian corruption's level (the noise's standard deviation) must be in (0, 5], got 9.0",
            "--noise none leaves nothing to denoise", "must be in (0, 1], got 2.0"};
        for (int i = 0; i < bad.length; i++) {
            CliRunner.Run b = CliRunner.run(concat(bad[i], "--data", data.toString()));
            assertEquals(2, b.exitCode(), String.join(" ", bad[i]));
            assertTrue(b.err().contains(says[i]), b.err());
        }
    }

    /**
     * The conditional VAE through the commands: it trains, generates a chosen digit (checked against the model's
     * own sample), writes an IDX set that the project's reader reads back with its labels, draws every digit and
     * the style transfer, evaluates, reconstructs, interpolates and exports; bad --digit values end in one line.
     */
    @Test
    void conditionalModelTrainsSamplesDigitsAndSavesIdx() throws IOException {
        Path cv = root.resolve("cvae");
        CliRunner.Run t = CliRunner.run(concat(new String[] {"train", "--data", data.toString(), "--out",
            cv.toString(), "--epochs", "2", "--kind", "cvae"}, SMALL));
        assertEquals(0, t.exitCode(), t.err());
        Path dir = root.resolve("cvae-out");
        Path idx = dir.resolve("synthetic-images-idx3-ubyte");
        CliRunner.Run d = CliRunner.run("sample", "--model", cv.toString(), "--data", data.toString(), "--digit", "3",
                "-n", "12", "--seed", "4", "--out", dir.toString(), "--save-idx", idx.toString());
        assertEquals(0, d.exitCode(), d.err());
        io.vae4j.mnist.data.IdxReader.IdxArray images = io.vae4j.mnist.data.IdxReader.read(idx, 3);
        assertArrayEquals(new int[] {12, 28, 28}, images.dims());
        io.vae4j.mnist.data.IdxReader.IdxArray labels = io.vae4j.mnist.data.IdxReader.read(
                dir.resolve("synthetic-labels-idx1-ubyte"), 1);
        assertArrayEquals(new int[] {12}, labels.dims());
        for (byte b : labels.data()) {
            assertEquals(3, b);
        }
        try (io.vae4j.core.model.Vae vae = io.vae4j.core.model.Vae.load(cv.resolve("model.vae"))) {
            assertEquals(io.vae4j.core.config.ModelKind.CVAE, vae.config().kind());
            float[] want = vae.sample(12, 4, 3).reshape(-1).toFloatVector();
            for (int i = 0; i < want.length; i++) {
                assertEquals(Math.round(want[i] * 255), images.data()[i] & 0xff, "pixel " + i);
            }
        }
        CliRunner.Run all = CliRunner.run("sample", "--model", cv.toString(), "--data", data.toString(), "-n", "20",
                "--out", dir.toString());
        assertEquals(0, all.exitCode(), all.err());
        assertEquals(10 * 56 + 11 * 2, ImageIO.read(dir.resolve("samples.png").toFile()).getWidth());
        assertEquals(11 * 56 + 12 * 2 + 16, ImageIO.read(dir.resolve("style_transfer.png").toFile()).getWidth());
        com.fasterxml.jackson.databind.JsonNode agreement = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("samples.json").toFile());
        assertEquals(20, agreement.get("images").asInt());
        double a = agreement.get("label_agreement").asDouble();
        assertTrue(a >= 0 && a <= 1 && Math.round(a * 20) == a * 20, "a fraction of 20 samples: " + a);
        assertTrue(agreement.get("test_images_agreement").asDouble() > 0.5,
                "the classifier should read the synthetic digits");
        String m = cv.toString();
        String dd = data.toString();
        for (String[] cmd : new String[][] {{"evaluate", "--model", m, "--data", dd, "--iwae-k", "5"},
            {"reconstruct", "--model", m, "--data", dd, "--out", dir.toString()},
            {"interpolate", "--model", m, "--data", dd, "--out", dir.toString()},
            {"latent", "--model", m, "--data", dd, "--out", dir.toString()},
            {"arithmetic", "--model", m, "--data", dd, "--out", dir.toString()},
            {"denoise", "--model", m, "--data", dd, "--out", dir.toString(), "--test-limit", "30"},
            {"export", "--model", m, "--out", dir.resolve("export").toString()}}) {
            CliRunner.Run r = CliRunner.run(cmd);
            assertEquals(0, r.exitCode(), cmd[0] + ": " + r.err());
        }
        assertTrue(CliRunner.run("latent", "--model", m, "--data", dd, "--out", dir.toString()).out()
                .contains("No manifold.png: a conditional model's decoder takes a digit"));
        assertTrue(CliRunner.run("export", "--model", m, "--out", dir.resolve("export").toString()).out()
                .contains("has no input for a conditional model's label"));
        String[][] bad = {{"sample", "--model", run.toString(), "--digit", "3"},
            {"sample", "--model", cv.toString(), "--digit", "12"},
            {"train", "--kind", "cvae", "--corrupt", "gaussian:0.5"}};
        String[] says = {"--digit needs a conditional model (trained with --kind cvae)", "--digit must be in 0-9, got 12",
            "a conditional VAE (kind CVAE) cannot be trained as a denoising model"};
        for (int i = 0; i < bad.length; i++) {
            CliRunner.Run b = CliRunner.run(concat(bad[i], "--data", data.toString(), "--out",
                    dir.resolve("bad" + i).toString()));
            assertEquals(2, b.exitCode(), String.join(" ", bad[i]) + ": " + b.err());
            assertTrue(b.err().contains(says[i]), b.err());
        }
    }

    @Test
    void anomalyReportsAnAucForTheHeldOutDigit() throws IOException {
        Path dir = root.resolve("anomaly");
        CliRunner.Run r = CliRunner.run(concat(new String[] {"anomaly", "--holdout", "3", "--data", data.toString(),
            "--out", dir.toString(), "--epochs", "2", "--score-samples", "2"}, SMALL));
        assertEquals(0, r.exitCode(), r.err());
        JsonNode a = RunFiles.JSON.readTree(dir.resolve("anomaly.json").toFile());
        // Recompute from the saved model: the same scores (seeded), each paired with its own test label, and the
        // AUC by its definition, the fraction of (held-out, other) pairs the scores order correctly.
        io.vae4j.mnist.data.MnistSplit test = MnistFiles.test(data).limit(200);
        double[] scores = new double[test.count()];
        try (Vae v = Vae.load(dir.resolve(RunFiles.MODEL))) {
            for (int start = 0; start < test.count(); start += 1000) {
                int[] idx = java.util.stream.IntStream.range(start, Math.min(test.count(), start + 1000)).toArray();
                System.arraycopy(v.anomalyScores(test.features(idx), 2), 0, scores, start, idx.length);
            }
        }
        double pairs = 0;
        double ordered = 0;
        int heldOut = 0;
        for (int i = 0; i < scores.length; i++) {
            heldOut += test.label(i) == 3 ? 1 : 0;
            for (int j = 0; j < scores.length; j++) {
                if (test.label(i) == 3 && test.label(j) != 3) {
                    pairs++;
                    ordered += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        assertTrue(heldOut > 0 && pairs > 0);
        assertEquals(heldOut, a.get("held_out_test_images").asInt());
        assertEquals(ordered / pairs, a.get("roc_auc").asDouble(), 1e-12);
        assertTrue(Files.exists(dir.resolve("most_anomalous.png")) && Files.exists(dir.resolve("least_anomalous.png")));
        assertTrue(r.out().contains("ROC AUC"), r.out());
    }

    /**
     * An interrupted anomaly run (here: one that stopped with a checkpoint after epoch 1 of 2, as Ctrl-C leaves it)
     * is finished by running the same command again: training continues to 2 epochs, then the AUC and pictures.
     * A different held-out digit or model setting in that directory is refused.
     */
    @Test
    void anAnomalyRunIsContinuedByRunningTheSameCommandAgain() throws IOException {
        Path dir = root.resolve("anomaly-continued");
        String[] command = concat(new String[] {"anomaly", "--holdout", "3", "--data", data.toString(), "--out",
            dir.toString(), "--epochs", "2", "--score-samples", "2"}, SMALL);
        // the state Ctrl-C leaves after the first epoch: a 1-epoch checkpoint of the same run, no anomaly.json
        CliRunner.Run first = CliRunner.run(concat(new String[] {"anomaly", "--holdout", "3", "--data",
            data.toString(), "--out", dir.toString(), "--epochs", "1", "--score-samples", "2"}, SMALL));
        assertEquals(0, first.exitCode(), first.err());
        Files.delete(dir.resolve("anomaly.json"));
        CliRunner.Run other = CliRunner.run(concat(new String[] {"anomaly", "--holdout", "5", "--data",
            data.toString(), "--out", dir.toString(), "--epochs", "2"}, SMALL));
        assertEquals(1, other.exitCode());
        assertTrue(other.err().contains("held out digit 3, not 5"), other.err());
        CliRunner.Run again = CliRunner.run(command);
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("Continuing the run in " + dir + " (1 of 2 epochs trained)"), again.out());
        assertTrue(Files.exists(dir.resolve("anomaly.json")));
        try (Vae v = Vae.load(dir.resolve(RunFiles.MODEL))) {
            assertEquals(2, v.epochsDone());
        }
        assertEquals(3, Files.readAllLines(dir.resolve("metrics.csv")).size());
    }

    @Test
    void compareTrainsBothModelsAndDrawsThemSideBySide() throws IOException {
        Path dir = root.resolve("compare");
        CliRunner.Run r = CliRunner.run(concat(new String[] {"compare", "--data", data.toString(), "--out",
            dir.toString(), "--epochs", "1"}, SMALL));
        assertEquals(0, r.exitCode(), r.err());
        for (String f : new String[] {"compare_interpolation.png", "compare_latent.png", "compare_samples.png",
            "vae/model.vae", "ae/model.vae"}) {
            assertTrue(Files.exists(dir.resolve(f)), f);
        }
        JsonNode c = RunFiles.JSON.readTree(dir.resolve("compare.json").toFile());
        assertEquals(0.0, c.get("ae").get("test_kl").asDouble(), 0.0);
        assertTrue(c.get("vae").get("test_kl").asDouble() > 0);
    }

    @Test
    void reportIsOneSelfContainedPage() throws IOException {
        CliRunner.Run r = CliRunner.run("report", "--model", run.toString(), "--data", data.toString());
        assertEquals(0, r.exitCode(), r.err());
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"), "images are inlined");
        assertFalse(html.matches("(?s).*(src|href)=\"(?!data:|#).*"), "no external resources");
        assertTrue(html.contains("id=\"vae-explorer-data\""), "the explorer carries the model");
        assertTrue(html.contains("reconstruction") && html.contains("Loss curves"));
        assertTrue(html.contains("Epoch 1: test images") && html.contains("Epoch 2: test images"), "first and last");
    }

    /** A one-epoch run's report shows that epoch's pictures (they were once skipped as both first and last). */
    @Test
    void aOneEpochReportShowsItsPictures() throws IOException {
        Path one = root.resolve("one-epoch");
        assertEquals(0, CliRunner.run(concat(new String[] {"train", "--data", data.toString(), "--out",
            one.toString(), "--epochs", "1"}, SMALL)).exitCode());
        CliRunner.Run r = CliRunner.run("report", "--model", one.resolve("model.vae").toString(), "--data",
                data.toString());
        assertEquals(0, r.exitCode(), r.err());
        String html = Files.readString(one.resolve("report.html"));
        assertTrue(html.contains("Epoch 1: test images (top) and reconstructions")
                && html.contains("Epoch 1: decoded z ~ N(0, I)"), "the section shows epoch 1");
        String section = html.substring(html.indexOf("<h2>Reconstructions and samples</h2>"));
        section = section.substring(0, Math.max(section.indexOf("<h2>", 4), 0) > 0 ? section.indexOf("<h2>", 4)
                : section.length());
        assertEquals(2, section.split("<img ", -1).length - 1, "the reconstructions and the samples, once each");
    }

    /** --objective iwae trains on the importance-weighted bound and records the training and test bounds. */
    @Test
    void iwaeTrainingRecordsItsBounds() throws IOException {
        Path dir = root.resolve("iwae");
        CliRunner.Run r = CliRunner.run(concat(new String[] {"train", "--data", data.toString(), "--out",
            dir.toString(), "--epochs", "2", "--objective", "iwae", "--samples", "3"}, SMALL));
        assertEquals(0, r.exitCode(), r.err());
        List<MetricsLog.Row> rows = MetricsLog.open(dir).rows();
        assertEquals(2, rows.size());
        for (MetricsLog.Row row : rows) {
            // the bound with K = 3 lies between log p(x) and the ELBO: its negation below the -ELBO
            assertTrue(row.testNegBound() > 0 && row.testNegBound() < row.testNegElbo(), row.toString());
            assertTrue(Double.isFinite(row.trainNegBound()), row.toString());
        }
        JsonNode m = RunFiles.JSON.readTree(dir.resolve("metrics.json").toFile());
        assertEquals(3, m.get("iwae_samples").asInt());
        assertTrue(Files.readString(dir.resolve("report.html")).contains("test -IWAE bound"));

        for (String[] bad : new String[][] {{"--objective", "iwae", "--samples", "5", "--beta", "0.5"},
            {"--samples", "0"}, {"--kind", "ae", "--samples", "2"}, {"--objective", "bound"}}) {
            CliRunner.Run b = CliRunner.run(concat(new String[] {"train", "--data", data.toString(), "--out",
                root.resolve("bad-iwae").toString()}, bad));
            assertEquals(2, b.exitCode(), String.join(" ", bad));
            assertTrue(b.err().lines().findFirst().orElse("").contains(bad[bad.length - 2]), b.err());
        }
        assertFalse(Files.exists(root.resolve("bad-iwae")), "a refused run writes nothing");
    }

    @Test
    void badInputEndsInOneClearLineAndANonZeroExitCode() throws IOException {
        CliRunner.Run badLatent = CliRunner.run("train", "--data", data.toString(), "--latent", "0", "--out",
                root.resolve("x").toString());
        assertEquals(2, badLatent.exitCode());
        assertTrue(badLatent.err().contains("latentSize must be in [1, 65536], got 0 (flag --latent)"),
                badLatent.err());

        CliRunner.Run unknown = CliRunner.run("train", "--epoks", "3");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("Unknown options: '--epoks'"), unknown.err());

        CliRunner.Run notNumber = CliRunner.run("train", "--epochs", "ten");
        assertEquals(2, notNumber.exitCode());
        assertTrue(notNumber.err().contains("'ten' is not an int"), notNumber.err());

        CliRunner.Run noModel = CliRunner.run("sample", "--model", root.resolve("nothing").toString());
        assertEquals(1, noModel.exitCode());
        assertEquals(1, noModel.err().lines().count(), noModel.err());
        assertTrue(noModel.err().contains("no model at"), noModel.err());

        Path broken = root.resolve("broken");
        Files.createDirectories(broken);
        Files.write(broken.resolve("model.vae"), new byte[] {1, 2, 3});
        CliRunner.Run corrupt = CliRunner.run("sample", "--model", broken.toString());
        assertEquals(1, corrupt.exitCode());
        assertEquals(1, corrupt.err().lines().count(), corrupt.err());
        assertTrue(corrupt.err().contains(broken.resolve("model.vae").toString()), corrupt.err());

        CliRunner.Run resumeChange = CliRunner.run("train", "--resume", run.toString(), "--latent", "5");
        assertEquals(2, resumeChange.exitCode());
        assertTrue(resumeChange.err().contains("--latent cannot be changed when resuming"), resumeChange.err());

        CliRunner.Run existing = CliRunner.run("train", "--data", data.toString(), "--out", run.toString());
        assertEquals(1, existing.exitCode());
        assertTrue(existing.err().contains("already holds a run"), existing.err());

        CliRunner.Run holdout = CliRunner.run("anomaly", "--holdout", "12", "--data", data.toString());
        assertEquals(2, holdout.exitCode());

        Path badData = root.resolve("baddata");
        SyntheticMnist.write(badData, 20, 10, 1, false);
        Files.write(badData.resolve(MnistFiles.TEST_IMAGES), new byte[] {0, 0, 8, 3, 0, 0});
        CliRunner.Run truncated = CliRunner.run("evaluate", "--model", run.toString(), "--data", badData.toString());
        assertEquals(1, truncated.exitCode());
        assertEquals(1, truncated.err().lines().count(), truncated.err());
        assertTrue(truncated.err().contains(badData.resolve(MnistFiles.TEST_IMAGES).toString()), truncated.err());
    }

    /** Without readable test images the page is written all the same, without the explorer, and says why. */
    @Test
    void reportWithoutReadableDataLeavesOutTheExplorer() throws IOException {
        Path badData = root.resolve("bad-report-data");
        SyntheticMnist.write(badData, 20, 10, 1, false);
        Files.write(badData.resolve(MnistFiles.TEST_IMAGES), new byte[] {0, 0, 8, 3, 0, 0});
        CliRunner.Run r = CliRunner.run("report", "--model", run.toString(), "--data", badData.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("No latent explorer") && r.err().contains("--data"), r.err());
        String html = Files.readString(run.resolve("report.html"));
        assertFalse(html.contains("vae-explorer-data"));
        assertTrue(html.contains("Loss curves"));
    }

    @Test
    void missingDataWithNoReachableSourceSaysWhereToPutTheFiles() throws IOException {
        Path empty = root.resolve("empty");
        io.vae4j.mnist.data.MnistFetcher saved = DataOptions.fetcher;
        DataOptions.fetcher = new io.vae4j.mnist.data.MnistFetcher(List.of(), java.util.Map.of(),
                java.time.Duration.ofSeconds(1));
        try {
            CliRunner.Run r = CliRunner.run("train", "--data", empty.toString(), "--out", root.resolve("y").toString());
            assertEquals(1, r.exitCode());
            assertTrue(r.err().contains(MnistFiles.TRAIN_IMAGES) && r.err().contains(empty.toAbsolutePath().toString()),
                    r.err());
        } finally {
            DataOptions.fetcher = saved;
        }
    }
}
