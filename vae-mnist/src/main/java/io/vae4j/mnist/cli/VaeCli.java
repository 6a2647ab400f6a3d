package io.vae4j.mnist.cli;

import io.vae4j.core.backend.BackendInfo;
import io.vae4j.core.backend.GpuCheck;
import io.vae4j.core.backend.HostKernels;
import io.vae4j.core.backend.NativeBuild;
import io.vae4j.core.io.IoMessages;
import java.io.IOException;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vae} command: trains VAEs on MNIST and draws what they learnt. {@link #main} only parses and runs;
 * tests call {@link #commandLine()} and {@code execute} the same way.
 */
@Command(name = "vae", mixinStandardHelpOptions = true, versionProvider = VaeCli.Version.class,
        header = "Variational autoencoders on MNIST with Deeplearning4j (SameDiff).",
        description = {"Trains VAEs on MNIST, evaluates them, draws what they learnt, and benchmarks the backends. "
            + "Every command has --help; the full reference is docs/cli.md."},
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n", footer = {"  ./vae train", "  ./vae report --model runs/train-20261207-101500",
            "  ./vae train --help"},
        subcommands = {TrainCommand.class, EvaluateCommand.class, SampleCommand.class, ReconstructCommand.class,
            InterpolateCommand.class, LatentCommand.class, AnomalyCommand.class, CompareCommand.class,
            ArithmeticCommand.class, DenoiseCommand.class,
            ReportCommand.class, ExportCommand.class, BenchCommand.class, CompletionCommand.class,
            CommandLine.HelpCommand.class})
public final class VaeCli implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(VaeCli.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: say what to do, e.g. "
                + "./vae train");
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        try {
            NativeBuild.select();
        } catch (IllegalArgumentException e) {
            System.err.println("vae: error: " + e.getMessage());
            System.exit(2);
        }
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: case-insensitive enum values, one-line user errors. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new VaeCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            Throwable shown = e;
            if (e instanceof IOException io) {
                err.println(cmd.getCommandName() + ": error: " + IoMessages.describe(io));
            } else if (e instanceof UserException || e instanceof IllegalArgumentException) {
                err.println(cmd.getCommandName() + ": error: " + e.getMessage());
            } else {
                err.println(cmd.getCommandName() + ": failed: " + e);
                e.printStackTrace(err);
                shown = null;
            }
            if (shown != null) {
                LOG.debug("user error", shown);
            }
            err.flush();
            return 1;
        });
        return cl;
    }

    private static BackendInfo backend;

    /** Logs (once per JVM) the ND4J backend actually loaded; every command that computes starts with it. */
    static synchronized BackendInfo logBackend() {
        if (backend != null) {
            return backend;
        }
        if (!GpuCheck.cpuBackendPresent() && GpuCheck.gpuBackendPresent()) {
            // Loading ND4J would only fail, with pages of native stack traces: say why before trying.
            GpuCheck.unavailable().ifPresent(why -> {
                throw new UserException("this build has only the GPU backend (nd4j-cuda-11.6) and it cannot run here: "
                        + why + ". Build with the default profile (mvn package) for the CPU backend, or with "
                        + "-Pcpu,cuda for both.");
            });
        }
        BackendInfo info;
        try {
            info = BackendInfo.current();
        } catch (RuntimeException | LinkageError e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String gpu = GpuCheck.gpuBackendPresent() ? GpuCheck.unavailable().map(r -> " The GPU backend cannot run: "
                    + r + ".").orElse("") : "";
            throw new UserException("ND4J could not load a backend (" + root + ")." + gpu
                    + (GpuCheck.cpuBackendPresent() ? "" : " This build has no CPU backend: build with the default "
                    + "profile (mvn package) or -Pcpu,cuda."));
        }
        if (!info.gpu()) {
            int threads = NativeBuild.limitThreads();
            info = new BackendInfo(info.backend(), false, info.device(), info.blasVendor(), threads);
            // main() chooses the build before ND4J loads; an embedding caller (or a test) may not have
            LOG.info("ND4J backend: {}; native build {}, oneDNN {}; {}", info.describe(),
                    NativeBuild.selected() == null ? "as JavaCPP chose it (NativeBuild.select() was not called)"
                            : NativeBuild.selected() + " (" + NativeBuild.reason() + ")",
                    NativeBuild.onednnLoaded() ? "on" : "off (OpenBLAS " + threads + " threads, libnd4j's loops "
                            + org.nd4j.linalg.factory.Nd4j.getEnvironment().maxMasterThreads() + ")",
                    HostKernels.describe());
        } else {
            LOG.info("ND4J backend: {}; {}", info.describe(), HostKernels.describe());
        }
        if (!info.gpu() && GpuCheck.gpuBackendPresent()) {
            LOG.warn("Running on the CPU: the GPU backend is in this build but cannot run: {}",
                    GpuCheck.unavailable().orElse("ND4J did not load it"));
        }
        backend = info;
        return info;
    }

    /** The project version, for --version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vae " + io.vae4j.core.io.ProjectVersion.get() + " (Deeplearning4j 1.0.0-M2.1)"};
        }
    }
}
