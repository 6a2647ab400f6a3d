package io.vae4j.core.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Why the GPU backend cannot run here, if it cannot: checked before any GPU JVM is started, so that the report
 * says the reason instead of a stack trace, and nothing falls back to the CPU unnoticed.
 */
public final class GpuCheck {
    /** Compute capabilities nd4j-cuda-11.6 ships kernels for (sm_37 to sm_86, no PTX). */
    static final double MIN_CC = 3.7;
    static final double MAX_CC = 8.6;
    private static final List<String> LIB_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
            "/usr/lib64", "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib", "/usr/local/cuda/lib64",
            "/usr/local/cuda/compat", "/usr/local/cuda-11.6/lib64");

    private GpuCheck() {
    }

    /** A GPU as nvidia-smi lists it. */
    public record Gpu(String name, double computeCapability) {
    }

    /** Whether this class path holds ND4J's CUDA backend. */
    public static boolean gpuBackendPresent() {
        return onClassPath("org.nd4j.linalg.jcublas.JCublasBackend");
    }

    /** Whether this class path holds ND4J's CPU backend. */
    public static boolean cpuBackendPresent() {
        return onClassPath("org.nd4j.linalg.cpu.nativecpu.CpuBackend");
    }

    /** Empty if a GPU run can be attempted; otherwise every reason it cannot. */
    public static Optional<String> unavailable() {
        List<String> reasons = new ArrayList<>();
        if (!gpuBackendPresent()) {
            reasons.add("this build has no GPU backend (build with mvn -Pcuda package, or -Pcpu,cuda for both backends)");
        }
        if (findLibrary("libcuda.so.1") == null) {
            reasons.add("no GPU: no NVIDIA driver on this machine (libcuda.so.1 not found"
                    + (Files.exists(Path.of("/dev/nvidia0")) ? ")" : ", no /dev/nvidia0)"));
            return Optional.of(String.join("; ", reasons));
        }
        List<Gpu> gpus = query();
        if (gpus.isEmpty()) {
            reasons.add("no GPU: the NVIDIA driver is installed but nvidia-smi lists no GPU");
        }
        for (Gpu g : gpus) {
            if (g.computeCapability() < MIN_CC - 1e-9 || g.computeCapability() > MAX_CC + 1e-9) {
                reasons.add(g.name() + " has compute capability " + g.computeCapability() + "; nd4j-cuda-11.6 ships "
                        + "kernels for 3.7-8.6 only (none for Ada 8.9 or Hopper 9.0)");
            }
        }
        // nd4j-cuda always brings JavaCPP's CUDA bindings; the libraries themselves come from the host or the
        // optional redist jar (-Pcuda-redist), which carries libcudart under this resource path.
        boolean redist = GpuCheck.class.getClassLoader()
                .getResource("org/bytedeco/cuda/linux-x86_64/libcudart.so.11.0") != null;
        if (findLibrary("libcudart.so.11.0") == null && !redist) {
            reasons.add("no CUDA 11.6 libraries (libcudart.so.11.0 not found): install CUDA 11.6, or build with "
                    + "mvn -Pcuda,cuda-redist package to bundle them");
        }
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
    }

    /** GPU names and compute capabilities from nvidia-smi; empty if it is missing or fails. */
    public static List<Gpu> query() {
        List<Gpu> out = new ArrayList<>();
        java.nio.file.Path log = null;
        try {
            // Output to a file, not a pipe: a hung nvidia-smi must not block a reader past the time limit.
            log = java.nio.file.Files.createTempFile("vae-nvidia-smi", ".txt");
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,compute_cap", "--format=csv,noheader")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return out;
            }
            if (p.exitValue() != 0) {
                return out;
            }
            String text = java.nio.file.Files.readString(log, StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                String[] f = line.split(",");
                if (f.length == 2) {
                    try {
                        out.add(new Gpu(f[0].trim(), Double.parseDouble(f[1].trim())));
                    } catch (NumberFormatException e) {
                        // a line that is not a GPU
                    }
                }
            }
        } catch (IOException e) {
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (log != null) {
                try {
                    java.nio.file.Files.deleteIfExists(log);
                } catch (IOException e) {
                    // a temporary file left behind is harmless
                }
            }
        }
        return out;
    }


    public static Path findLibrary(String name) {
        List<String> dirs = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            dirs.addAll(List.of(ld.split(":")));
        }
        dirs.addAll(LIB_DIRS);
        for (String d : dirs) {
            if (!d.isBlank() && Files.exists(Path.of(d, name))) {
                return Path.of(d, name);
            }
        }
        return null;
    }

    private static boolean onClassPath(String className) {
        return GpuCheck.class.getClassLoader().getResource(className.replace('.', '/') + ".class") != null;
    }
}
