package io.vae4j.mnist.cli;

import io.vae4j.core.model.Vae;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.viz.ImageGrid;
import io.vae4j.mnist.viz.LatentPlots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The latent space: scatter of test codes by digit, and for 2-D codes the decoded manifold. */
@Command(name = "latent",
        header = "Scatter of the test codes (and the 2-D manifold).",
        footerHeading = "%nExamples:%n", footer = {"  ./vae latent --model runs/latent2d"}, mixinStandardHelpOptions = true,
        description = {"Scatter of the test images' posterior means coloured by digit (PCA-projected when the latent "
            + "space has more than 2 dimensions) as latent.png; for a 2-D latent space also the decoded manifold "
            + "as manifold.png."})
final class LatentCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Run directory or model file.")
    Path model;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory for the pictures (default: the run "
            + "directory).")
    Path out;

    @Option(names = "--points", paramLabel = "N", defaultValue = "5000",
            description = "Test images in the scatter, 1 to 10,000. Default: ${DEFAULT-VALUE}.")
    int limit;

    @Option(names = "--grid", paramLabel = "N", defaultValue = "20",
            description = "Manifold grid size (2-D latent only), 2 to 100. Default: ${DEFAULT-VALUE}.")
    int grid;

    @Override
    public Integer call() throws IOException {
        if (limit < 1 || limit > 10_000 || grid < 2 || grid > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--points must be in [1, 10000] and --grid "
                    + "in [2, 100], got " + limit + " and " + grid);
        }
        Path dir = out != null ? out : Models.runDir(model);
        Files.createDirectories(dir);
        try (Vae vae = Models.load(model)) {
            MnistData mnist = MnistData.load(data.dir(), Models.settings(model, vae.epochsDone()), vae.config().seed(),
                    DataOptions.fetcher);
            Path scatter = dir.resolve("latent.png");
            ImageGrid.writePng(LatentPlots.scatter(vae, mnist.test(), limit, "Test images' posterior means"), scatter);
            spec.commandLine().getOut().println("Wrote " + scatter);
            if (vae.config().latentSize() == 2 && vae.config().conditional()) {
                spec.commandLine().getOut().println("No manifold.png: a conditional model's decoder takes a digit as "
                        + "well as z; ./vae sample --model ... --digit D draws one digit");
            } else if (vae.config().latentSize() == 2) {
                Path manifold = dir.resolve("manifold.png");
                ImageGrid.writePng(LatentPlots.manifold(vae, grid, mnist.test().rows(), mnist.test().cols()),
                        manifold);
                spec.commandLine().getOut().println("Wrote " + manifold);
            }
        }
        return 0;
    }
}
