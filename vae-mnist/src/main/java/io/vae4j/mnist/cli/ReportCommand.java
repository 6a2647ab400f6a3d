package io.vae4j.mnist.cli;

import io.vae4j.core.model.Vae;
import io.vae4j.mnist.run.MetricsLog;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.run.ReportExplorer;
import io.vae4j.mnist.run.RunFiles;
import io.vae4j.mnist.run.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One self-contained HTML page per run: settings, loss curves, metrics and every picture, images inlined. */
@Command(name = "report",
        header = "Write a self-contained HTML report of a run.",
        footerHeading = "%nExamples:%n", footer = {"  ./vae report --model runs/default", "  ./vae report --model runs/default/model.vae"}, mixinStandardHelpOptions = true,
        description = {"Write report.html into the run directory: one self-contained page (no external files) with "
            + "the run's settings, loss curves, per-epoch metrics and all its pictures, and, when the run has a "
            + "model, the interactive latent explorer (it runs the model in the browser, offline)."})
final class ReportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Run directory, or the model file in it; the report goes into the run directory.")
    Path model;

    @Override
    public Integer call() throws IOException {
        if (!Files.exists(model)) {
            throw new UserException("no run directory or model file at " + model + "; give a directory written by "
                    + "./vae train, or its model.vae");
        }
        Path dir = Models.runDir(model);
        MetricsLog log = MetricsLog.open(dir);
        if (log.rows().isEmpty() && !Files.exists(dir.resolve(RunFiles.MODEL))) {
            throw new UserException(dir + " has no metrics.csv and no model; is it a run directory written by "
                    + "./vae train?");
        }
        ReportExplorer explorer = null;
        if (Files.exists(dir.resolve(RunFiles.MODEL))) {
            // the explorer shows the model's codes of the test images it was tested on
            try (Vae vae = Models.load(dir)) {
                MnistData mnist;
                try {
                    mnist = MnistData.load(data.dir(), Models.settings(dir, vae.epochsDone()), vae.config().seed(),
                            DataOptions.fetcher);
                } catch (IOException e) {
                    mnist = null;
                    spec.commandLine().getErr().println("No latent explorer in the page: it needs the MNIST test "
                            + "images, which could not be read (" + e.getMessage() + "); give their directory with "
                            + "--data");
                }
                explorer = mnist == null ? null : ReportExplorer.of(vae, mnist.test());
            }
        }
        Path file = RunReport.write(dir, null, explorer);
        spec.commandLine().getOut().println("Wrote " + file);
        return 0;
    }
}
