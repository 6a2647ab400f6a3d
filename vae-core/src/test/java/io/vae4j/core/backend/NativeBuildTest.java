package io.vae4j.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which native build a CPU can run, and which builds the class path holds. */
class NativeBuildTest {
    private static final Set<String> SKYLAKE = Set.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512cd",
            "avx512bw", "avx512dq", "avx512vl");

    @Test
    void aBuildRunsOnlyWhereTheCpuHasItsInstructions() {
        assertTrue(NativeBuild.runs("onednn-avx512", SKYLAKE));
        assertTrue(NativeBuild.runs("avx2", SKYLAKE));
        // Xeon Phi (Knights Landing) has AVX-512 F and CD but not BW, DQ, VL: the Skylake-AVX512 build would crash
        assertFalse(NativeBuild.runs("avx512", Set.of("avx2", "fma", "avx512f", "avx512cd")));
        assertTrue(NativeBuild.runs("onednn-avx2", Set.of("avx2", "fma")));
        assertFalse(NativeBuild.runs("onednn-avx2", Set.of("avx")));
        assertTrue(NativeBuild.runs("generic", Set.of()));
        assertTrue(NativeBuild.runs("onednn", Set.of()));
    }

    @Test
    void theDefaultBuildShipsABuildForEveryX86Cpu() {
        // the cpu profile (the default) puts these on the test class path, as in the application
        org.junit.jupiter.api.Assumptions.assumeTrue(NativeBuild.present().contains("generic"),
                "built without the CPU backend (e.g. -Pcuda)");
        List<String> present = NativeBuild.present();
        // an AVX-512 server, an AVX2 desktop and a CPU with neither each get an oneDNN build or the generic one
        assertEquals("onednn-avx512", NativeBuild.choose(present, SKYLAKE));
        assertEquals("onednn-avx2", NativeBuild.choose(present, Set.of("avx", "avx2", "fma")));
        assertEquals("generic", NativeBuild.choose(present, Set.of("sse4_2")));
    }

    @Test
    void theChoiceSkipsBuildsTheCpuCannotRunOrTheBuildLacks() {
        // Knights Landing: no BW/DQ/VL, so no avx512 build even where one is present
        Set<String> knl = Set.of("avx2", "fma", "avx512f", "avx512cd");
        assertEquals("onednn-avx2", NativeBuild.choose(List.of("onednn-avx512", "onednn-avx2", "generic"), knl));
        assertEquals("avx2", NativeBuild.choose(List.of("avx512", "avx2", "generic"), knl));
        assertEquals("generic", NativeBuild.choose(List.of("generic"), SKYLAKE));
    }

    @Test
    void withoutOneDnnLibnd4jsOwnLoopsStayOnOneThread() {
        assertEquals(4, NativeBuild.masterThreads(4, true));
        assertEquals(1, NativeBuild.masterThreads(4, false));
        assertEquals(1, NativeBuild.masterThreads(1, true));
        int threads = NativeBuild.limitThreads();
        org.nd4j.linalg.factory.Environment env = org.nd4j.linalg.factory.Nd4j.getEnvironment();
        assertEquals(NativeBuild.masterThreads(threads, NativeBuild.onednnLoaded()), env.maxMasterThreads());
        assertEquals(threads, org.nd4j.linalg.factory.Nd4j.factory().blas().getMaxThreads());
    }
}
