package io.vae4j.mnist.cli;

import io.vae4j.core.model.Vae;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.run.RunSettings;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** For commands that measure a model on the test images and draw some: how many are used, how many shown. */
final class TestImageOptions {
    @Option(names = "--test-limit", paramLabel = "N", defaultValue = "0",
            description = "Use the first N test images (0: all 10,000).")
    int testLimit;

    @Option(names = "--per-row", paramLabel = "N", defaultValue = "10",
            description = "Images shown in each row of the picture, 1 to 50. Default: ${DEFAULT-VALUE}.")
    int perRow;

    /** Rejects bad values as usage errors; {@code minimum} is the fewest test images the command can work with. */
    void check(CommandLine.Model.CommandSpec spec, int minimum) {
        if (testLimit < 0 || testLimit > 0 && testLimit < minimum) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--test-limit must be 0 (all) or >= "
                    + minimum + ", got " + testLimit);
        }
        if (perRow < 1 || perRow > 50) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--per-row must be in [1, 50], got " + perRow);
        }
    }

    /** The data as the model was trained on it (binarization), with the test split limited to --test-limit. */
    MnistData load(Vae vae, java.nio.file.Path model, DataOptions data) throws IOException {
        RunSettings trained = Models.settings(model, vae.epochsDone());
        return MnistData.load(data.dir(), new RunSettings(trained.epochs(), trained.binarization(), 0, testLimit, -1),
                vae.config().seed(), DataOptions.fetcher);
    }
}
