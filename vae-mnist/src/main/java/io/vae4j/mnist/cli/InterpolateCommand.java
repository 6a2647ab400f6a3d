package io.vae4j.mnist.cli;

import io.vae4j.core.model.Interpolation;
import io.vae4j.core.model.Vae;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.viz.ImageGrid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A strip of images decoded along a path between two test images' codes. */
@Command(name = "interpolate",
        header = "Decode a path between two test images' codes.",
        footerHeading = "%nExamples:%n", footer = {"  ./vae interpolate --model runs/default --from 3 --to 2 --steps 12 --mode spherical"}, mixinStandardHelpOptions = true,
        description = "Decode codes along a path between the posterior means of two test images.")
final class InterpolateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Mixin
    ImageOptions image;

    @Option(names = "--from", paramLabel = "I", description = "Index of the first test image. Default: 0.")
    Integer fromIndex;

    @Option(names = "--to", paramLabel = "J", description = "Index of the second test image. Default: the first "
            + "test image of another digit than the first's.")
    Integer toIndex;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "10",
            description = "Images in the strip, both ends included, 2 to 100. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--mode", paramLabel = "linear|spherical", defaultValue = "linear",
            description = "Straight line or great circle (slerp). Default: ${DEFAULT-VALUE}.")
    Interpolation mode;

    @Override
    public Integer call() throws IOException {
        if (steps < 2 || steps > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be in [2, 100], got " + steps);
        }
        try (Vae vae = Models.load(image.model)) {
            MnistData mnist = MnistData.load(data.dir(), Models.settings(image.model, vae.epochsDone()),
                    vae.config().seed(), DataOptions.fetcher);
            int from = fromIndex != null ? fromIndex : 0;
            int to = toIndex != null ? toIndex : firstOfAnotherDigit(mnist.test(), from);
            if (toIndex == null && to < 0) {
                throw new UserException("the test set has no image of another digit than test image " + from
                        + "'s; give --to");
            }
            for (int i : new int[] {from, to}) {
                if (i < 0 || i >= mnist.test().count()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "test image index " + i
                            + " is outside 0.." + (mnist.test().count() - 1));
                }
            }
            boolean labels = vae.config().conditional();
            INDArray strip = vae.interpolate(mnist.test().inputs(labels, from), mnist.test().inputs(labels, to), steps,
                    mode);
            Path file = image.output("interpolation_" + mode.name().toLowerCase(java.util.Locale.ROOT) + "_" + from
                    + "_" + to + ".png");
            ImageGrid.writePng(ImageGrid.grid(strip, mnist.test().rows(), mnist.test().cols(), steps, 3), file);
            spec.commandLine().getOut().println("Wrote a " + steps + "-step " + mode.name().toLowerCase(
                    java.util.Locale.ROOT) + " interpolation from test image " + from + " (digit "
                    + mnist.test().label(from) + ") to " + to + " (digit " + mnist.test().label(to) + ") to " + file);
        }
        return 0;
    }

    /** The first test image whose digit differs from image {@code from}'s, or -1 (or from itself if out of range). */
    private static int firstOfAnotherDigit(io.vae4j.mnist.data.MnistSplit test, int from) {
        if (from < 0 || from >= test.count()) {
            return from; // reported as out of range below
        }
        for (int i = 0; i < test.count(); i++) {
            if (test.label(i) != test.label(from)) {
                return i;
            }
        }
        return -1;
    }
}
