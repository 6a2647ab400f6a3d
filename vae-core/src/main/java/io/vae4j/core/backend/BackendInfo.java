package io.vae4j.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What ND4J actually loaded in this JVM: backend class, CPU or GPU, the device, BLAS vendor and thread count.
 * ND4J picks one backend per JVM (the highest-priority one that loads), so this is read, never assumed.
 *
 * @param backend    the backend class's simple name, e.g. CpuBackend or JCublasBackend
 * @param gpu        whether it is a CUDA backend
 * @param device     CPU model name, or GPU name and compute capability
 * @param blasVendor e.g. OPENBLAS, MKL, CUBLAS
 * @param threads    threads ND4J uses for linear algebra (OpenMP), or 0 if unknown
 */
public record BackendInfo(String backend, boolean gpu, String device, String blasVendor, int threads) {

    /**
     * Whether ND4J's arrays live in host memory that Java may read and write directly, and ops run where they are
     * called: the CPU backend. Not so on CUDA, whose executioner also moves arrays between host and device. Loads
     * ND4J if needed.
     */
    public static boolean hostBackend() {
        String name = Nd4j.getBackend().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        return !name.contains("cuda") && !name.contains("cublas");
    }

    /** Loads ND4J if needed and describes its backend. */
    public static BackendInfo current() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String blas = env.getProperty("blas.vendor", "unknown");
        boolean gpu = backend.toLowerCase(java.util.Locale.ROOT).contains("cuda")
                || backend.toLowerCase(java.util.Locale.ROOT).contains("cublas");
        int threads = 0;
        Object omp = env.get("omp.threads");
        if (omp != null) {
            try {
                threads = Integer.parseInt(omp.toString());
            } catch (NumberFormatException e) {
                threads = 0;
            }
        }
        String device = gpu ? gpuDevice(env) : cpuModel();
        return new BackendInfo(backend, gpu, device, blas, threads);
    }

    /** One line for logs: "CpuBackend (CPU: Intel Xeon ..., OPENBLAS, 2 threads)". */
    public String describe() {
        return backend + " (" + (gpu ? "GPU: " : "CPU: ") + device + ", BLAS " + blasVendor
                + (threads > 0 ? ", " + threads + " threads" : "") + ")";
    }

    private static String gpuDevice(Properties env) {
        Object devices = env.get("cuda.devicesInformation");
        return devices == null ? "unknown CUDA device" : devices.toString();
    }

    /** The CPU model from /proc/cpuinfo, or the OS architecture where that file does not exist. */
    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch", "unknown CPU");
    }
}
