package io.vae4j.bench;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An instruction-set limit for a whole benchmark run ({@code --isa avx2}): both sides, vae4j and PyTorch, run only
 * the AVX2 code paths on a CPU that has AVX-512, so that a tester with no AVX2-only machine at hand sees which code
 * paths slow down without AVX-512. It limits the kernels, not the machine: caches, memory and clock stay the
 * AVX-512 machine's, which is why the result file records the limit ({@code machine.isa_limit}) and every table
 * and page that shows the run says so.
 *
 * <p>What each setting reaches: {@code DNNL_MAX_CPU_ISA} oneDNN's kernels (inside libnd4j and inside PyTorch),
 * {@code OPENBLAS_CORETYPE} OpenBLAS's, {@code ATEN_CPU_CAPABILITY} PyTorch's own, {@code VAE_NATIVE} and
 * {@code -Dvae.native} the libnd4j build, and {@code -XX:UseAVX=2} the code the JIT compiles for the Java kernels.
 */
enum IsaLimit {
    /** The CPU's own instruction set. */
    NONE(null),
    /** AVX2 and FMA, no AVX-512. */
    AVX2("avx2");

    /** The flag's value and the result file's {@code isa_limit}; null for {@link #NONE}. */
    final String name;

    IsaLimit(String name) {
        this.name = name;
    }

    /** The value of {@code --isa}. */
    static IsaLimit parse(String value) {
        io.vae4j.mnist.bench.InstructionSetLimit.checkName(value);
        return AVX2;
    }

    /** Why this limit cannot apply on a CPU with these flags (/proc/cpuinfo), or null. */
    String problem(Set<String> cpuFlags) {
        return this == NONE ? null : io.vae4j.mnist.bench.InstructionSetLimit.problem(cpuFlags);
    }

    /** Whether it takes anything away on a CPU with these flags: AVX-512 to remove. */
    boolean limits(Set<String> cpuFlags) {
        return this == AVX2 && cpuFlags.stream().anyMatch(f -> f.startsWith("avx512"));
    }

    /** The CPU flags as the limited run sees them (what decides which native builds can run). */
    Set<String> flags(Set<String> cpuFlags) {
        if (this == NONE) {
            return cpuFlags;
        }
        Set<String> limited = new TreeSet<>(cpuFlags);
        limited.removeIf(f -> f.startsWith("avx512"));
        return limited;
    }

    /** The native build to run for {@code build} ("auto" or a build's name). */
    String build(String build) {
        return this == AVX2 && build.equals("auto") ? "onednn-avx2" : build;
    }

    /** Environment of every child process, vae4j's JVMs and PyTorch alike. */
    Map<String, String> environment() {
        if (this == NONE) {
            return Map.of();
        }
        return Map.of("DNNL_MAX_CPU_ISA", "AVX2", "OPENBLAS_CORETYPE", "Haswell", "ATEN_CPU_CAPABILITY", "avx2",
                "VAE_NATIVE", "onednn-avx2");
    }

    /** Options of every child JVM. */
    List<String> jvmOptions() {
        return this == NONE ? List.of() : List.of("-XX:UseAVX=2");
    }
}
