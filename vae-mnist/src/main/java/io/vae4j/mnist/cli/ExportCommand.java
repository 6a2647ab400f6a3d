package io.vae4j.mnist.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vae4j.core.export.Dl4jExport;
import io.vae4j.core.model.Vae;
import io.vae4j.mnist.run.RunFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a trained model as DL4J networks that ModelSerializer restores in any DL4J program. */
@Command(name = "export",
        header = "Export a model as DL4J networks for ModelSerializer.",
        footerHeading = "%nExamples:%n", footer = {"  ./vae export --model runs/default --out exported"}, mixinStandardHelpOptions = true,
        description = {"Export a trained model to DL4J networks saved with ModelSerializer: encoder.zip "
            + "(ComputationGraph, image to mu and logvar) and decoder.zip (MultiLayerNetwork, z to pixel means); for "
            + "MLP VAEs also dl4j-vae.zip (DL4J's VariationalAutoencoder layer). They load with deeplearning4j-nn and "
            + "an ND4J backend alone."})
final class ExportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Run directory or model file.")
    Path model;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory to write the zips into (default: export/ in "
            + "the run directory).")
    Path out;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        try (Vae vae = Models.load(model)) {
            double testNegElbo = Double.NaN;
            Path metrics = Models.runDir(model).resolve(RunFiles.METRICS_JSON);
            if (Files.exists(metrics)) {
                JsonNode m = RunFiles.JSON.readTree(metrics.toFile());
                testNegElbo = m.path("test_neg_elbo").asDouble(Double.NaN);
            }
            Path dir = out != null ? out : Models.runDir(model).resolve("export");
            for (Path p : Dl4jExport.write(vae, dir, testNegElbo)) {
                stdout.println("Wrote " + p);
            }
            if (!Dl4jExport.supportsDl4jVae(vae.config())) {
                stdout.println("No " + Dl4jExport.DL4J_VAE_FILE + ": DL4J's VariationalAutoencoder layer holds MLP VAEs "
                        + "with hidden layers only" + (vae.config().conditional()
                        ? ", and has no input for a conditional model's label (the encoder and decoder zips take it: "
                        + "see vae4j-export.json in each)" : "") + ".");
            }
        }
        return 0;
    }
}
