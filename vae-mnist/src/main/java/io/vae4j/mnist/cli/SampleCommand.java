package io.vae4j.mnist.cli;

import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.IdxWriter;
import io.vae4j.mnist.edit.NearestCentroid;
import io.vae4j.mnist.run.RunFiles;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.viz.ImageGrid;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Images decoded from z ~ N(0, I); for a conditional model, of a chosen digit or of every digit. */
@Command(name = "sample",
        header = "Decode samples from the prior into a picture.",
        footerHeading = "%nExamples:%n", footer = {"  ./vae sample --model runs/default", "  ./vae sample --model runs/cvae --digit 7 --count 100"}, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Decode z ~ N(0, I) into a grid of images (samples.png). A conditional model (--kind cvae) "
            + "draws the digit given by --digit, or without it every digit in turn (one column per digit), and "
            + "also writes style_transfer.png (test images' codes decoded with each of the ten labels) and "
            + "samples.json (how many samples a model-free classifier takes for the digit asked for). "
            + "--save-idx writes the images as an MNIST-format IDX file."})
final class SampleCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ImageOptions image;

    @Mixin
    DataOptions data;

    @Option(names = {"--count", "-n"}, paramLabel = "N", defaultValue = "64",
            description = "Images, 1 to 10,000. Default: ${DEFAULT-VALUE}.")
    int n;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of z. Default: the model's seed.")
    Long seed;

    @Option(names = "--digit", paramLabel = "D", description = "Conditional models: the digit to draw (0-9).")
    Integer digit;

    @Option(names = "--save-idx", paramLabel = "FILE",
            description = "Also write the images (pixel means times 255, rounded) as an IDX3 unsigned-byte file; "
                    + "for a conditional model their labels go to FILE's IDX1 companion (MNIST's naming: "
                    + "...-images-idx3-ubyte becomes ...-labels-idx1-ubyte, else FILE-labels-idx1-ubyte).")
    Path saveIdx;

    @Override
    public Integer call() throws IOException {
        if (n < 1 || n > 10_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be in [1, 10000], got " + n
                    + " (for a larger IDX set, run again with another --seed)");
        }
        if (saveIdx != null && Files.isDirectory(saveIdx)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--save-idx names the file to write, got "
                    + "the directory " + saveIdx);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Vae vae = Models.load(image.model)) {
            boolean conditional = vae.config().conditional();
            if (digit != null && !conditional) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--digit needs a conditional model "
                        + "(trained with --kind cvae); " + image.model + " is a " + vae.config().kind()
                        + " model");
            }
            if (digit != null && (digit < 0 || digit >= vae.config().classes())) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--digit must be in 0-"
                        + (vae.config().classes() - 1) + ", got " + digit);
            }
            long s = seed != null ? seed : vae.config().seed();
            INDArray images = digit != null ? vae.sample(n, s, digit) : vae.sample(n, s);
            int h = vae.config().height();
            int w = vae.config().width();
            int cols = conditional && digit == null ? vae.config().classes() : (int) Math.ceil(Math.sqrt(n));
            Path file = image.output("samples.png");
            ImageGrid.writePng(ImageGrid.grid(images, h, w, cols, 2), file);
            out.println("Wrote " + n + " samples" + (digit != null ? " of digit " + digit
                    : conditional ? " (digits 0-" + (vae.config().classes() - 1) + " in turn, one column each)" : "")
                    + " to " + file);
            if (saveIdx != null) {
                saveIdx(vae, images, s, h, w, out);
            }
            if (conditional) {
                MnistData mnist = MnistData.load(data.dir(), Models.settings(image.model, vae.epochsDone()),
                        vae.config().seed(), DataOptions.fetcher);
                labelAgreement(vae, images, mnist, s, out);
                if (digit == null) {
                    Path style = image.output("style_transfer.png");
                    ImageGrid.writePng(ArithmeticCommand.analogy(vae, mnist.test(),
                            ArithmeticCommand.codes(vae, mnist.test()), 0), style);
                    out.println("Wrote " + style);
                }
            }
        }
        return 0;
    }

    /**
     * Whether the samples are the digits asked for, measured by a classifier independent of the model (nearest
     * training-set digit mean), next to that classifier's accuracy on the real test images; samples.json.
     */
    private void labelAgreement(Vae vae, INDArray images, MnistData mnist, long s, PrintWriter out)
            throws IOException {
        NearestCentroid classifier = NearestCentroid.fit(mnist.train());
        int[] asked = new int[n];
        for (int i = 0; i < n; i++) {
            asked[i] = digit != null ? digit : i % vae.config().classes();
        }
        double agreement = classifier.agreement(images.castTo(DataType.FLOAT).dup('c').reshape(-1).toFloatVector(),
                asked);
        int[] all = java.util.stream.IntStream.range(0, mnist.test().count()).toArray();
        double testAccuracy = classifier.agreement(mnist.test().features(all).reshape(-1).toFloatVector(),
                mnist.test().labelsOf(all));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("images", n);
        json.put("digit", digit == null ? "all, in turn" : digit.toString());
        json.put("seed", s);
        json.put("label_agreement", agreement);
        json.put("test_images_agreement", testAccuracy);
        json.put("classifier", "nearest training-set digit mean (squared Euclidean distance)");
        Path file = image.output("samples.json");
        RunFiles.writeJson(file, json);
        out.printf(Locale.ROOT, "Label agreement: %.1f%% of the samples are nearest to the mean training image of "
                + "the digit asked for (real test images: %.1f%%); %s%n", 100 * agreement, 100 * testAccuracy, file);
    }

    private void saveIdx(Vae vae, INDArray images, long s, int h, int w, PrintWriter out) throws IOException {
        float[] means = images.castTo(DataType.FLOAT).dup('c').reshape(-1).toFloatVector();
        byte[] pixels = new byte[means.length];
        for (int i = 0; i < means.length; i++) {
            pixels[i] = (byte) Math.round(Math.min(1f, Math.max(0f, means[i])) * 255);
        }
        Path parent = saveIdx.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        IdxWriter.write(saveIdx, new int[] {n, h, w}, pixels);
        out.println("Wrote " + n + " images as IDX to " + saveIdx);
        if (vae.config().conditional()) {
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                labels[i] = (byte) (digit != null ? digit : i % vae.config().classes());
            }
            Path companion = IdxWriter.labelsCompanion(saveIdx);
            IdxWriter.write(companion, new int[] {n}, labels);
            out.println("Wrote their labels to " + companion);
        }
    }
}
