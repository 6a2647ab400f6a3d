package io.vae4j.mnist.cli;

import io.vae4j.mnist.bench.BenchComparison;
import io.vae4j.mnist.run.RunFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bench compare}: benchmark results of several machines or backends in one table and one page. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        header = "Compare benchmark results of several machines or backends.",
        description = {"Reads bench-results.json files (from ./vae bench on different machines, or a CPU and a GPU "
            + "build) and writes compare.md, compare.json and compare.html (a self-contained page with charts): the "
            + "samples/s of every benchmark in each file and the ratio to the first file's, then each file's rows "
            + "side by side with its own PyTorch (first epoch, steady, importance-weighted evaluation, the sweep). "
            + "Files of another result format or another protocol (--quick against --full) are refused."},
        footerHeading = "%nExamples:%n",
        footer = {"  ./vae bench compare cpu-box/bench-results.json gpu-box/bench-results.json"})
final class BenchCompareCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "2..*", description = "bench-results.json files; the first is the "
            + "reference of the ratios.")
    List<Path> files;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the comparison goes (default: "
            + "runs/compare-bench-<time>).")
    Path out;

    @Override
    public Integer call() throws IOException {
        Path dir = out != null ? out : RunFiles.timestamped(Path.of("runs"), "compare-bench");
        String table = BenchComparison.compare(files, dir);
        spec.commandLine().getOut().print(table);
        spec.commandLine().getOut().println("Wrote " + dir.resolve("compare.md") + ", " + dir.resolve("compare.json")
                + " and " + dir.resolve("compare.html"));
        return 0;
    }
}
