package io.vae4j.mnist.cli;

import io.vae4j.mnist.run.MetricsLog;
import io.vae4j.mnist.run.RunFiles;
import io.vae4j.mnist.run.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One self-contained HTML page per run: settings, loss curves, metrics and every picture, images inlined. */
@Command(name = "report",
        header = "Write a self-contained HTML report of a run.",
        footerHeading = "%nExamples:%n", footer = {"  ./vae report --model runs/default", "  ./vae report --model runs/default/model.vae"}, mixinStandardHelpOptions = true,
        description = {"Write report.html into the run directory: one self-contained page (no external files) with "
            + "the run's settings, loss curves, per-epoch metrics and all its pictures."})
final class ReportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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
        Path file = RunReport.write(dir, null);
        spec.commandLine().getOut().println("Wrote " + file);
        return 0;
    }
}
