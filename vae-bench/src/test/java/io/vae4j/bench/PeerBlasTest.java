package io.vae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which probe wins, and which loaded libraries are the reference BLAS that gets no ratio. */
class PeerBlasTest {
    private static final PeerBlas.Candidate SYSTEM = new PeerBlas.Candidate("system", null, null);

    @Test
    void theReferenceBlasIsRecognisedFromTheLoadedPaths() {
        assertTrue(PeerBlas.reference("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"));
        assertFalse(PeerBlas.reference("/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3 + "
                + "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblasp-r0.3.21.so"));
        assertFalse(PeerBlas.reference("/opt/intel/mkl/lib/libmkl_rt.so + /usr/lib/libblas.so.3"));
        assertEquals("OpenBLAS, pthread build",
                PeerBlas.describe("/root/.vae4j/blas/libopenblas0-pthread/root/usr/lib/x86_64-linux-gnu/"
                        + "openblas-pthread/libblas.so.3"));
        assertEquals("the reference BLAS", PeerBlas.describe("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"));
    }

    @Test
    void theFastestProbeThatRanWins() {
        PeerBlas.Probe slow = new PeerBlas.Probe(SYSTEM, 1, 11_000, "a", null);
        PeerBlas.Probe fast = new PeerBlas.Probe(SYSTEM, 2, 16_000, "b", null);
        PeerBlas.Probe failed = new PeerBlas.Probe(SYSTEM, 2, Double.NaN, "", "killed");
        assertEquals(fast, PeerBlas.fastest(List.of(slow, failed, fast)).orElseThrow());
        assertTrue(PeerBlas.fastest(List.of(failed)).isEmpty());
    }
}
