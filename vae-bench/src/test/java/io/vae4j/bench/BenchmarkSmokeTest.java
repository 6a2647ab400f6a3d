package io.vae4j.bench;

import io.vae4j.core.backend.GpuCheck;
import io.vae4j.core.backend.NativeBuild;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Keeps the benchmarks from rotting: each runs briefly in this JVM, and the report arithmetic is checked. */
class BenchmarkSmokeTest {

    @Test
    void everyBenchmarkRunsAndReportsAPositiveRate() throws Exception {
        Options opts = new OptionsBuilder()
                .include("(TrainingBenchmark|InferenceBenchmark|Dl4jVaeBenchmark|EpochBenchmark|GemmBenchmark)")
                .param("batch", "32").param("model", "mlp").param("images", "512")
                .forks(0).warmupIterations(0).measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .jvmArgsAppend("-D" + BenchModels.EXPECTED_BACKEND + "=cpu")
                .shouldFailOnError(true)
                .build();
        System.setProperty(BenchModels.EXPECTED_BACKEND, "cpu");
        Collection<RunResult> results = new Runner(opts).run();
        // training, encode, decode, score, the DL4J layer, the epoch and the matrix products alone
        assertEquals(7, results.size());
        for (RunResult r : results) {
            double score = r.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), r.getParams().getBenchmark() + ": " + score);
        }
    }

    @Test
    void throughputAndSingleShotResultsBecomeSamplesPerSecond() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode probe = json.readTree("{\"backend\":\"CpuBackend\",\"gpu\":false,\"device\":\"cpu x\","
                + "\"blasVendor\":\"OPENBLAS\",\"threads\":2}");
        JsonNode training = json.readTree("{\"benchmark\":\"io.vae4j.bench.TrainingBenchmark.trainSteps\","
                + "\"mode\":\"thrpt\",\"params\":{\"model\":\"mlp\",\"batch\":\"128\"},"
                + "\"primaryMetric\":{\"score\":2.5,\"scoreError\":0.5}}");
        JsonNode row = BenchRunner.resultRow("cpu", probe, training, 0);
        // 4096 samples per invocation at batch 128: 32 steps
        assertEquals(2.5 * 32 * 128, row.get("samples_per_s").asDouble(), 1e-9);
        assertEquals(0.5 * 32 * 128, row.get("samples_per_s_error").asDouble(), 1e-9);
        assertEquals("TrainingBenchmark.trainSteps", row.get("benchmark").asText());
        JsonNode epoch = json.readTree("{\"benchmark\":\"io.vae4j.bench.EpochBenchmark.epoch\",\"mode\":\"ss\","
                + "\"params\":{\"images\":\"60000\",\"batch\":\"128\"},"
                + "\"primaryMetric\":{\"score\":12.0,\"scoreError\":1.2}}");
        JsonNode e = BenchRunner.resultRow("cpu", probe, epoch, 1);
        assertEquals(5000.0, e.get("samples_per_s").asDouble(), 1e-9);
        assertEquals(60000 * 1.2 / 144, e.get("samples_per_s_error").asDouble(), 1e-9);
        assertEquals(1, e.get("threads").asInt());
    }

    /**
     * The step's matrix products for 784-400-20: per example 2 x in x out FLOPs for each forward product and each
     * weight gradient, and for each input gradient but the first layer's; a training row's share is its rate over
     * the products' own.
     */
    @Test
    void theMatrixProductLimitAndTheShareOfIt() {
        double expected = 2 * (2.0 * 784 * 400 + 3 * 400 * 20 + 3 * 400 * 20 + 3 * 20 * 400 + 3 * 400 * 784);
        assertEquals(expected, GemmBenchmark.flopsPerSample("mlp"), 1e-6);
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ArrayNode rows = json.createArrayNode();
        rows.addObject().put("benchmark", "GemmBenchmark.gemm").put("backend", "cpu").put("native", "avx2")
                .put("threads", 2).put("model", "mlp").put("batch", 128).put("samples_per_s", 100_000.0);
        rows.addObject().put("benchmark", "TrainingBenchmark.trainSteps").put("backend", "cpu").put("native", "avx2")
                .put("threads", 2).put("model", "mlp").put("batch", 128).put("samples_per_s", 25_000.0);
        rows.addObject().put("benchmark", "TrainingBenchmark.trainSteps").put("backend", "cpu").put("native", "avx2")
                .put("threads", 2).put("model", "mlp").put("batch", 512).put("samples_per_s", 30_000.0);
        BenchRunner.gemmShares(rows);
        assertEquals(0.25, rows.get(1).get("gemm_share").asDouble(), 1e-12);
        assertEquals(25_000 * expected / 1e9, rows.get(1).get("gflops").asDouble(), 1e-9);
        assertTrue(!rows.get(2).has("gemm_share"), "no gemm row at batch 512: no share");
    }

    /** A child that never ends (a hung nvidia-smi, a stuck JVM) is killed at its time limit, not waited for. */
    @Test
    void aHungChildIsKilledAtItsTimeLimit() throws Exception {
        long start = System.nanoTime();
        ChildProcess p = ChildProcess.run(java.util.List.of("sh", "-c", "echo started; exec sleep 600"), java.util.Map.of(),
                java.time.Duration.ofSeconds(1));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(-1, p.exitCode());
        assertTrue(seconds < 30, "waited " + seconds + " s");
        assertTrue(p.output().contains("started"), p.output());
    }

    /** On a machine without an NVIDIA driver the GPU row must say so rather than run on the CPU. */
    @Test
    void gpuCheckNamesTheReason() {
        Optional<String> why = GpuCheck.unavailable();
        if (GpuCheck.findLibrary("libcuda.so.1") == null) {
            assertTrue(why.isPresent());
            assertTrue(why.get().contains("no NVIDIA driver"), why.get());
        }
        assertFalse(why.isPresent() && why.get().isBlank());
    }

    @Test
    void badRunnerFlagsAreRejected() {
        for (String[] args : new String[][] {{"--backends", "tpu"}, {"--cores", "0"}, {"--cores", "x"}, {"--fast"},
            {"--out"}, {"--peer-epochs", "1"}, {"--peer-epochs", "x"}, {"--data"}, {"--isa", "avx512"}, {"--isa"}}) {
            try {
                BenchRunner.parse(args);
                throw new AssertionError("accepted " + String.join(" ", args));
            } catch (IllegalArgumentException expected) {
                assertFalse(expected.getMessage().isBlank());
            }
        }
        BenchRunner.Options o = BenchRunner.parse(new String[] {"--peer-epochs", "2", "--data", "/x", "--cores", "1"});
        assertEquals(2, o.peerEpochs());
        assertEquals(Path.of("/x"), o.data());
        assertEquals(1, o.cores());
        assertEquals(0, BenchRunner.parse(new String[] {"--no-peer"}).peerEpochs());
        assertEquals(IsaLimit.NONE, o.isa());
        assertEquals(IsaLimit.AVX2, BenchRunner.parse(new String[] {"--isa", "AVX2"}).isa());
    }

    @Test
    void theAvx2LimitReachesEveryKernelAndIsRecordedOnlyWhereItLimits() {
        Set<String> avx512 = Set.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl");
        Set<String> avx2 = Set.of("sse4_2", "avx", "avx2", "fma");
        assertTrue(IsaLimit.AVX2.limits(avx512));
        assertFalse(IsaLimit.AVX2.limits(avx2)); // an AVX2-only machine runs as itself: nothing to record
        assertFalse(IsaLimit.NONE.limits(avx512));
        assertEquals(avx2, IsaLimit.AVX2.flags(avx512));
        assertFalse(NativeBuild.runs("onednn-avx512", IsaLimit.AVX2.flags(avx512)));
        assertTrue(NativeBuild.runs("onednn-avx2", IsaLimit.AVX2.flags(avx512)));
        assertEquals("onednn-avx2", IsaLimit.AVX2.build("auto"));
        assertEquals("generic", IsaLimit.AVX2.build("generic"));
        assertEquals("auto", IsaLimit.NONE.build("auto"));
        // oneDNN (in libnd4j and in PyTorch), OpenBLAS, PyTorch's own kernels, libnd4j's build and the JIT
        assertEquals(Map.of("DNNL_MAX_CPU_ISA", "AVX2", "OPENBLAS_CORETYPE", "Haswell", "ATEN_CPU_CAPABILITY",
                "avx2", "VAE_NATIVE", "onednn-avx2"), IsaLimit.AVX2.environment());
        assertEquals(List.of("-XX:UseAVX=2"), IsaLimit.AVX2.jvmOptions());
        assertTrue(IsaLimit.NONE.environment().isEmpty() && IsaLimit.NONE.jvmOptions().isEmpty());
        assertNull(IsaLimit.AVX2.problem(avx2));
        String noAvx2 = IsaLimit.AVX2.problem(Set.of("sse4_2", "avx"));
        assertTrue(noAvx2 != null && noAvx2.contains("lacks AVX2"), noAvx2);
        assertNull(IsaLimit.NONE.problem(Set.of()));
    }
}
