package io.vae4j.core.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses which of the nd4j-native builds on the class path JavaCPP loads, before ND4J starts, and sizes ND4J's
 * thread pools to the cores this process may use.
 *
 * <p>nd4j-native 1.0.0-M2.1 comes as six Linux x86-64 builds (Maven classifiers): {@code linux-x86_64} (generic),
 * {@code -avx2}, {@code -avx512}, {@code -onednn}, {@code -onednn-avx2} and {@code -onednn-avx512}. JavaCPP loads
 * the one named by the system property {@value #EXTENSION_PROPERTY} (empty: the generic build); without it, a
 * variant of its own choosing when several are on the class path. {@link #select} picks the preferred build that
 * is on the class path and that this CPU can run (see {@link #PREFERENCE} and docs/performance.md), unless the
 * user chose one:
 * {@code -Dvae.native=NAME} or the environment variable {@code VAE_NATIVE=NAME}, NAME one of {@link #VARIANTS} or
 * {@code auto}; an explicit {@value #EXTENSION_PROPERTY} is always respected.
 *
 * <p>Threads: libnd4j and JavaCPP count the machine's cores, not the ones a {@code taskset} or a container's CPU
 * limit leaves to the process. {@link #limitThreads} sizes ND4J's pools by {@link Runtime#availableProcessors()},
 * which does respect them (or by {@code OMP_NUM_THREADS} when that is set).
 */
public final class NativeBuild {
    /** JavaCPP's system property naming the platform extension to load, e.g. "-onednn-avx512". */
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** Names of the builds, fastest first; "generic" is the plain linux-x86_64 classifier. */
    public static final List<String> VARIANTS = List.of("onednn-avx512", "avx512", "onednn-avx2", "avx2", "onednn",
            "generic");
    /** The order {@link #select} tries them in: fastest first on the reference model (docs/performance.md). */
    static final List<String> PREFERENCE = List.of("onednn-avx512", "onednn-avx2", "avx512", "avx2", "onednn",
            "generic");
    private static final String BINDINGS = "org/nd4j/linalg/cpu/nativecpu/bindings/";

    private static volatile String selected;
    private static volatile String reason;

    private NativeBuild() {
    }

    /**
     * Chooses the build and sets {@value #EXTENSION_PROPERTY}; call before anything touches ND4J. Idempotent.
     *
     * @return the build chosen ("generic" for the plain one)
     * @throws IllegalArgumentException if the user asked for a build that is unknown, not on the class path, or
     *                                  not runnable on this CPU
     */
    public static synchronized String select() {
        if (selected != null) {
            return selected;
        }
        String explicit = System.getProperty(EXTENSION_PROPERTY);
        if (explicit != null) {
            selected = explicit.isEmpty() ? "generic" : explicit.replaceFirst("^-", "");
            reason = "set by -D" + EXTENSION_PROPERTY;
            return selected;
        }
        String asked = Optional.ofNullable(System.getProperty("vae.native")).orElse(System.getenv("VAE_NATIVE"));
        Set<String> flags = cpuFlags();
        List<String> present = present();
        String choice;
        if (asked != null && !asked.isBlank() && !asked.equalsIgnoreCase("auto")) {
            choice = asked.trim().toLowerCase(Locale.ROOT);
            if (!VARIANTS.contains(choice)) {
                throw new IllegalArgumentException("unknown native build '" + asked + "' (from vae.native or "
                        + "VAE_NATIVE); choose one of " + VARIANTS + " or auto");
            }
            if (!present.contains(choice)) {
                throw new IllegalArgumentException("the native build '" + choice + "' is not in this build (it has "
                        + present + "); build with -Pcpu,all-natives for every variant, or choose auto");
            }
            if (!runs(choice, flags)) {
                throw new IllegalArgumentException("this CPU cannot run the native build '" + choice + "' (it lacks "
                        + missing(choice, flags) + "); choose auto");
            }
            reason = "chosen with vae.native/VAE_NATIVE";
        } else {
            choice = choose(present, flags);
            reason = "fastest of " + present + " this CPU runs";
        }
        // Always set: with the property unset and variant jars present, JavaCPP loads a variant of its own choosing
        // (the AVX2 build, on the machines we tried); an empty extension selects the generic build.
        System.setProperty(EXTENSION_PROPERTY, choice.equals("generic") ? "" : "-" + choice);
        selected = choice;
        return choice;
    }

    /** The first build of {@link #PREFERENCE} that is present and that a CPU with these flags runs; else generic. */
    static String choose(List<String> present, Set<String> flags) {
        for (String v : PREFERENCE) {
            if (present.contains(v) && runs(v, flags)) {
                return v;
            }
        }
        return "generic";
    }

    /** The build {@link #select} chose, or null before it ran. */
    public static String selected() {
        return selected;
    }

    /** Why that build: chosen by the user, or the fastest available. */
    public static String reason() {
        return reason;
    }

    /** Builds whose native libraries are on the class path, in {@link #VARIANTS} order. */
    public static List<String> present() {
        List<String> out = new ArrayList<>();
        ClassLoader cl = NativeBuild.class.getClassLoader();
        for (String v : VARIANTS) {
            String dir = "linux-x86_64" + (v.equals("generic") ? "" : "-" + v);
            if (cl.getResource(BINDINGS + dir + "/libjnind4jcpu.so") != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** Whether a CPU with these /proc/cpuinfo flags can run a build. */
    public static boolean runs(String variant, Set<String> flags) {
        return missing(variant, flags).isEmpty();
    }

    private static List<String> missing(String variant, Set<String> flags) {
        List<String> need = new ArrayList<>();
        if (variant.endsWith("avx512")) {
            // JavaCPP's avx512 builds target Skylake-AVX512: F, CD, BW, DQ and VL
            need.addAll(List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma"));
        } else if (variant.endsWith("avx2")) {
            need.addAll(List.of("avx2", "fma"));
        }
        need.removeIf(flags::contains);
        return need;
    }

    /** The CPU's feature flags from /proc/cpuinfo; empty where that file does not exist. */
    public static Set<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return new HashSet<>(List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: only the generic build is known to run
        }
        return Set.of();
    }

    /**
     * Sizes ND4J's thread pools to the cores this process may use: {@code OMP_NUM_THREADS} when set, else
     * {@link Runtime#availableProcessors()} (which follows taskset and container limits). Loads ND4J.
     *
     * <p>On a build without oneDNN the matrix products run in OpenBLAS's threads, and with libnd4j's own parallel
     * loops (its "master threads") as wide, the idle threads of each spin on the cores the other needs: the step
     * then runs slower on all cores than on one (docs/performance.md). There libnd4j's
     * loops get one thread and OpenBLAS all of them; with oneDNN both get all.
     *
     * @return the thread count set (of the BLAS pool, which the matrix products use)
     */
    public static int limitThreads() {
        int threads = Runtime.getRuntime().availableProcessors();
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp != null) {
            try {
                threads = Math.max(1, Integer.parseInt(omp.trim()));
            } catch (NumberFormatException e) {
                // libnd4j ignores a malformed value too
            }
        }
        int master = masterThreads(threads, onednnLoaded());
        io.vae4j.core.compat.Dl4jCompat.setThreads(master, threads);
        return threads;
    }

    /** libnd4j's master threads for a BLAS pool of {@code threads}: all of them with oneDNN, else one (see above). */
    static int masterThreads(int threads, boolean onednn) {
        return onednn ? threads : 1;
    }

    /** Whether the loaded libnd4j was built with oneDNN (its build information says HAVE_ONEDNN). */
    public static boolean onednnLoaded() {
        String info = org.nd4j.linalg.factory.Nd4j.getBackend().buildInfo();
        return info != null && info.contains("HAVE_ONEDNN");
    }
}
