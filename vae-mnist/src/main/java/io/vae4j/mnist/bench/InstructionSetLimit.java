package io.vae4j.mnist.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code ./vae bench --isa avx2} and the tables and pages of its results share: when the limit can apply,
 * and how a limited run is labelled wherever it is shown (the result file's {@code machine.isa_limit}).
 */
public final class InstructionSetLimit {
    private InstructionSetLimit() {
    }

    /**
     * Checks the value of {@code --isa}.
     *
     * @throws IllegalArgumentException if it is not "avx2", the one limit the benchmarks apply
     */
    public static void checkName(String value) {
        if (!value.equalsIgnoreCase("avx2")) {
            throw new IllegalArgumentException("--isa takes avx2 (the one limit the benchmarks apply), got " + value);
        }
    }

    /** Why {@code --isa avx2} cannot apply on a CPU with these flags (/proc/cpuinfo), or null. */
    public static String problem(Set<String> cpuFlags) {
        if (cpuFlags.contains("avx2") && cpuFlags.contains("fma")) {
            return null;
        }
        return "--isa avx2 limits a CPU that has AVX2 and FMA to them; this CPU lacks "
                + (cpuFlags.contains("avx2") ? "FMA" : "AVX2") + ", so there is nothing to limit: run the benchmarks "
                + "without --isa";
    }

    /**
     * ", limited to AVX2" for a run that was limited below its machine's instruction set, else "": so that no table
     * takes it for a run on an AVX2-only CPU.
     */
    public static String note(JsonNode machine) {
        String limit = machine.path("isa_limit").asText("");
        return limit.isEmpty() ? "" : ", limited to " + limit.toUpperCase(Locale.ROOT);
    }
}
