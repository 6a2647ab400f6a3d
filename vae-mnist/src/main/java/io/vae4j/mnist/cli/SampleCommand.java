package io.vae4j.mnist.cli;

import io.vae4j.core.model.Vae;
import io.vae4j.mnist.viz.ImageGrid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Images decoded from z ~ N(0, I). */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Decode z ~ N(0, I) into a grid of images.")
final class SampleCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ImageOptions image;

    @Option(names = {"--count", "-n"}, paramLabel = "N", defaultValue = "64",
            description = "Images. Default: ${DEFAULT-VALUE}.")
    int n;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of z. Default: the model's seed.")
    Long seed;

    @Override
    public Integer call() throws IOException {
        if (n < 1 || n > 10_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be in [1, 10000], got " + n);
        }
        try (Vae vae = Models.load(image.model)) {
            Path file = image.output("samples.png");
            int cols = (int) Math.ceil(Math.sqrt(n));
            ImageGrid.writePng(ImageGrid.grid(vae.sample(n, seed != null ? seed : vae.config().seed()), vae.config().height(), vae.config().width(), cols,
                    2), file);
            spec.commandLine().getOut().println("Wrote " + n + " samples to " + file);
        }
        return 0;
    }
}
