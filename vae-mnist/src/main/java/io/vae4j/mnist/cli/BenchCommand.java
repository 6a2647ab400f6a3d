package io.vae4j.mnist.cli;

import io.vae4j.mnist.run.RunFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code bench} command: fetches MNIST like {@code train}, then runs the benchmark runner of vae-bench (its
 * shaded {@code benchmarks.jar}, which JMH needs to fork) in a child JVM with the same settings.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = BenchCompareCommand.class,
        header = "Benchmark the CPU and GPU backends side by side with PyTorch.",
        description = {"Runs the JMH benchmarks (training steps, inference, a whole epoch, DL4J's own VAE layer) on "
            + "every ND4J backend this build holds, each in its own JVMs, and puts vae4j and PyTorch side by side "
            + "on the reference protocol (1 core and all cores, first epoch and steady state, peak memory) where "
            + "PyTorch is installed. A backend that cannot run gets a row saying why. Writes bench-results.json and "
            + "bench-results.md and bench.html (charts of samples/s by batch size) into --out. Fetches MNIST first "
            + "when it is missing."},
        footerHeading = "%nExamples:%n",
        footer = {"  ./vae bench --quick", "  ./vae bench --full --out runs/bench-full",
            "  ./vae bench --quick --no-peer --backends cpu", "  ./vae bench --quick --isa avx2 --out runs/bench-avx2",
            "  ./vae bench compare cpu-box/bench-results.json gpu-box/bench-results.json"})
final class BenchCommand implements Callable<Integer> {
    /** System property naming benchmarks.jar; the launcher sets it. */
    static final String JAR_PROPERTY = "vae.benchJar";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Option(names = "--quick", description = "About ten minutes: batch sizes 32, 128 and 512 on one core and on all, "
            + "short iterations (the default).")
    boolean quick;

    @Option(names = "--full", description = "Longer iterations, every batch size and the conv model.")
    boolean full;

    @Option(names = "--backends", paramLabel = "LIST", split = ",", defaultValue = "cpu,gpu",
            description = "Backends to measure, cpu and/or gpu. Default: ${DEFAULT-VALUE}.")
    List<String> backends;

    @Option(names = "--cores", paramLabel = "N", defaultValue = "0",
            description = "Pin every measurement to N cores (0: one core and all this process may use).")
    int cores;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the results go (default: runs/bench-<time>).")
    Path out;

    @Option(names = "--include", paramLabel = "REGEX", description = "Only the JMH benchmarks matching REGEX.")
    String include;

    @Option(names = "--jmh", paramLabel = "ARGS", description = "More JMH arguments, e.g. \"-p batch=32\".")
    String jmh;

    @Option(names = "--peer-epochs", paramLabel = "N",
            description = "Epochs of the side-by-side runs, >= 2 (default: 3, 4 with --full).")
    Integer peerEpochs;

    @Option(names = "--no-peer", description = "Skip the side-by-side runs with PyTorch.")
    boolean noPeer;

    @Option(names = "--isa", paramLabel = "avx2", description = "Run both sides, vae4j and PyTorch, on their AVX2 code "
            + "paths only, on a CPU with AVX-512: which kernels slow down without it. The results say they were "
            + "limited; caches, memory and clock stay this machine's, so they do not stand in for an AVX2-only CPU.")
    String isa;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (quick && full) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--quick and --full exclude each other");
        }
        for (String b : backends) {
            if (!b.equals("cpu") && !b.equals("gpu")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--backends takes cpu and/or gpu, got "
                        + b);
            }
        }
        if (cores < 0 || cores > 4096) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cores must be in [0, 4096], got " + cores);
        }
        if (peerEpochs != null && (peerEpochs < 2 || peerEpochs > 100)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--peer-epochs must be in [2, 100] (a first "
                    + "epoch and a steady one), got " + peerEpochs);
        }
        if (noPeer && peerEpochs != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--no-peer and --peer-epochs exclude each "
                    + "other");
        }
        if (isa != null) {
            try {
                io.vae4j.mnist.bench.InstructionSetLimit.checkName(isa);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        String isaProblem = isa == null ? null
                : io.vae4j.mnist.bench.InstructionSetLimit.problem(io.vae4j.core.backend.NativeBuild.cpuFlags());
        if (isaProblem != null) {
            throw new UserException(isaProblem);
        }
        Path jar = benchJar();
        Path dir = out != null ? out : RunFiles.timestamped(Path.of("runs"), "bench");
        Path dataDir = data.dir();
        if (!noPeer && backends.contains("cpu")) {
            DataOptions.fetcher.ensure(dataDir); // the side-by-side runs train on the real MNIST, both sides
        }
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), full ? "--full" : "--quick", "--backends", String.join(",", backends),
                "--out", dir.toString(), "--data", dataDir.toString()));
        if (cores > 0) {
            cmd.addAll(List.of("--cores", Integer.toString(cores)));
        }
        if (include != null) {
            cmd.addAll(List.of("--include", include));
        }
        if (jmh != null) {
            cmd.addAll(List.of("--jmh", jmh));
        }
        if (isa != null) {
            cmd.addAll(List.of("--isa", "avx2"));
        }
        if (noPeer) {
            cmd.add("--no-peer");
        } else if (peerEpochs != null) {
            cmd.addAll(List.of("--peer-epochs", Integer.toString(peerEpochs)));
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("Benchmarks into " + dir.toAbsolutePath());
        stdout.flush();
        int code = new ProcessBuilder(cmd).inheritIO().start().waitFor();
        stdout.println((code == 0 ? "Wrote " : "Some runs failed; wrote ") + dir.resolve("bench-results.md") + " and "
                + dir.resolve("bench-results.json"));
        return code;
    }

    /** The benchmark runner's jar: the launcher's, else vae-bench/target/benchmarks.jar under the working directory. */
    private Path benchJar() {
        String set = System.getProperty(JAR_PROPERTY);
        Path jar = set != null ? Path.of(set) : Path.of("vae-bench", "target", "benchmarks.jar");
        if (!Files.isRegularFile(jar)) {
            throw new UserException("the benchmark runner is not built (no " + jar.toAbsolutePath() + "): run ./vae "
                    + "bench from the repository, which builds it, or build it with mvn -pl vae-bench -am package "
                    + "-DskipTests");
        }
        return jar;
    }
}
