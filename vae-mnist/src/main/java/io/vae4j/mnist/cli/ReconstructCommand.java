package io.vae4j.mnist.cli;

import io.vae4j.core.model.Vae;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.run.RunSettings;
import io.vae4j.mnist.viz.ImageGrid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Test images above their reconstructions. */
@Command(name = "reconstruct",
        header = "Test images above their reconstructions.",
        footerHeading = "%nExamples:%n", footer = {"  ./vae reconstruct --model runs/default --count 16"}, mixinStandardHelpOptions = true,
        description = "Test images (top row) above their reconstructions (decoded posterior means).")
final class ReconstructCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Mixin
    ImageOptions image;

    @Option(names = {"--count", "-n"}, paramLabel = "N", defaultValue = "8",
            description = "Images, 1 to 1,000. Default: ${DEFAULT-VALUE}.")
    int n;

    @Option(names = "--offset", paramLabel = "I", defaultValue = "0", description = "Index of the first test image.")
    int offset;

    @Override
    public Integer call() throws IOException {
        if (n < 1 || n > 1000 || offset < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be in [1, 1000] and --offset >= 0");
        }
        try (Vae vae = Models.load(image.model)) {
            RunSettings s = Models.settings(image.model, vae.epochsDone());
            MnistData mnist = MnistData.load(data.dir(), s, vae.config().seed(), DataOptions.fetcher);
            if (offset + n > mnist.test().count()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--offset " + offset + " + --count " + n
                        + " is past the " + mnist.test().count() + " test images");
            }
            int[] idx = java.util.stream.IntStream.range(offset, offset + n).toArray();
            INDArray x = mnist.test().features(idx);
            INDArray in = mnist.test().inputs(vae.config().conditional(), idx);
            Path file = image.output("reconstruction.png");
            ImageGrid.writePng(ImageGrid.grid(Nd4j.vstack(x, vae.reconstruct(in)), mnist.test().rows(),
                    mnist.test().cols(), n, 3), file);
            spec.commandLine().getOut().println("Wrote " + n + " test images and their reconstructions to " + file);
        }
        return 0;
    }
}
