package io.vae4j.mnist.cli;

import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.MnistSplit;
import io.vae4j.mnist.edit.Attribute;
import io.vae4j.mnist.edit.LatentArithmetic;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.run.RunFiles;
import io.vae4j.mnist.viz.ImageGrid;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Latent arithmetic: attribute directions (thickness, slant) applied to test images, and the digit analogy. */
@Command(name = "arithmetic",
        header = "Move codes along attribute directions (thickness, slant).",
        footerHeading = "%nExamples:%n", footer = {"  ./vae arithmetic --model runs/default --scale 1.5"}, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find attribute directions in latent space and apply them. For thickness (mean ink) and slant "
            + "(shear of the second moments), the direction is the mean code of the top quarter of the first half "
            + "of the test images minus that of the bottom quarter; it is added to (+v) and taken from (-v) the "
            + "codes of the second half, and the attribute measured again on the decoded images. Writes "
            + "arithmetic.png (per attribute: -v, reconstruction, +v), arithmetic.json, and analogy.png (each row: "
            + "a test image, then its style on the digits 0-9)."})
final class ArithmeticCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Mixin
    ImageOptions image;

    @Option(names = "--scale", paramLabel = "S", defaultValue = "1.0",
            description = "Multiple of the direction added and subtracted. Default: ${DEFAULT-VALUE}.")
    double scale;

    @Mixin
    TestImageOptions images;

    @Override
    public Integer call() throws IOException {
        if (!(scale > 0) || scale > 10) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--scale must be in (0, 10], got " + scale);
        }
        images.check(spec, 8);
        PrintWriter out = spec.commandLine().getOut();
        try (Vae vae = Models.load(image.model)) {
            MnistData mnist = images.load(vae, image.model, data);
            MnistSplit test = mnist.test();
            if (test.count() < 8) {
                throw new UserException("latent arithmetic needs at least 8 test images, the test set has "
                        + test.count());
            }
            int half = test.count() / 2;
            INDArray codes = codes(vae, test); // once, for both attributes and the analogy
            INDArray dirImages = test.features(range(0, half));
            INDArray dirCodes = codes.get(NDArrayIndex.interval(0, half), NDArrayIndex.all());
            INDArray editCodes = codes.get(NDArrayIndex.interval(half, test.count()), NDArrayIndex.all());
            int[] editLabels = test.labelsOf(range(half, test.count()));
            int rows = test.rows();
            int cols = test.cols();

            List<Map<String, Object>> json = new ArrayList<>();
            List<String> captions = new ArrayList<>();
            List<BufferedImage> pictures = new ArrayList<>();
            for (Attribute a : Attribute.values()) {
                LatentArithmetic.Edit e = LatentArithmetic.edit(vae, a, dirImages, dirCodes, editCodes, editLabels,
                        rows, cols, scale, images.perRow);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("attribute", a.key());
                row.put("before", e.before());
                row.put("after_minus", e.afterMinus());
                row.put("after_plus", e.afterPlus());
                row.put("scale", e.scale());
                row.put("images", e.images());
                row.put("direction_images", e.directionImages());
                row.put("direction_norm", e.direction().norm2Number().doubleValue());
                row.put("moved_as_intended", e.asIntended());
                json.add(row);
                int k = (int) e.original().size(0);
                INDArray grid = Nd4j.vstack(e.minus(), e.original(), e.plus());
                captions.add(String.format(Locale.ROOT, "%s: rows -v, reconstruction, +v (mean %.4f, %.4f, %.4f)",
                        a.key(), e.afterMinus(), e.before(), e.afterPlus()));
                pictures.add(ImageGrid.grid(grid, rows, cols, k, 2));
                out.printf(Locale.ROOT, "%-9s before %.4f  -v %.4f  +v %.4f  (%s; %d images, scale %.2f)%n", a.key(),
                        e.before(), e.afterMinus(), e.afterPlus(), e.asIntended() ? "moved as intended"
                                : "NOT moved as intended", e.images(), scale);
            }
            Path png = image.output("arithmetic.png");
            ImageGrid.writePng(ImageGrid.captioned(captions, pictures), png);
            Path analogyPng = image.output("analogy.png");
            ImageGrid.writePng(analogy(vae, test, codes, half), analogyPng);
            Path jsonFile = image.output("arithmetic.json");
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("attributes", json);
            RunFiles.writeJson(jsonFile, doc);
            out.println("Wrote " + png + ", " + analogyPng + " and " + jsonFile);
        }
        return 0;
    }

    /**
     * The digit analogy picture: for the first edited image of each digit, the image itself and then its style on
     * each digit 0-9 (see {@link LatentArithmetic#analogy}; a conditional model's style transfer).
     */
    static BufferedImage analogy(Vae vae, MnistSplit test, INDArray codes, int from) {
        int[] labels = test.labelsOf(range(0, test.count()));
        List<Integer> sources = new ArrayList<>();
        boolean[] seen = new boolean[MnistSplit.CLASSES];
        for (int i = from; i < test.count(); i++) {
            if (!seen[labels[i]]) {
                seen[labels[i]] = true;
                sources.add(i);
            }
        }
        int[] src = sources.stream().mapToInt(Integer::intValue).toArray();
        INDArray styled = LatentArithmetic.analogy(vae, codes, labels, src);
        int per = MnistSplit.CLASSES + 1;
        INDArray grid = Nd4j.create(styled.dataType(), (long) src.length * per, styled.size(1));
        for (int s = 0; s < src.length; s++) {
            grid.getRow((long) s * per).assign(test.features(src[s]).getRow(0).castTo(styled.dataType()));
            for (int d = 0; d < MnistSplit.CLASSES; d++) {
                grid.getRow((long) s * per + 1 + d).assign(styled.getRow((long) s * MnistSplit.CLASSES + d));
            }
        }
        BufferedImage picture = ImageGrid.grid(grid, test.rows(), test.cols(), per, 2);
        return ImageGrid.captioned(List.of(vae.config().conditional()
                ? "each row: a test image, then its code decoded with the labels 0-9 (style transfer)"
                : "each row: a test image, then its style on the digits 0-9"), List.of(picture));
    }

    /** The posterior means of all images of a split (with their labels for a conditional model). */
    static INDArray codes(Vae vae, MnistSplit test) {
        return vae.encode(test.inputs(vae.config().conditional(), range(0, test.count()))).mu();
    }

    static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }
}
