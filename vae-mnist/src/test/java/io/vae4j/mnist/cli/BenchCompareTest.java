package io.vae4j.mnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.mnist.bench.BenchComparison;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench compare: result files of two machines in one table with ratios; other formats and protocols refused. */
class BenchCompareTest {
    @TempDir
    Path dir;

    private Path result(String name, int format, String protocol, String cpu, boolean avx512, double rate)
            throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, """
                {"format": %d, "protocol": "%s", "date": "2026-12-07T06:00:00Z",
                 "machine": {"cpu": "%s", "cores": 2, "avx2": true, "avx512": %s},
                 "versions": {"vae4j": "0.1.0-SNAPSHOT", "java": "17"},
                 "rows": [
                  {"backend": "cpu", "benchmark": "TrainingBenchmark.trainSteps", "model": "mlp", "batch": 32,
                   "samples_per_s": %s, "key": "TrainingBenchmark.trainSteps/mlp/32/all cores"},
                  {"backend": "cpu", "benchmark": "TrainingBenchmark.trainSteps", "model": "mlp", "batch": 128,
                   "samples_per_s": %s, "key": "TrainingBenchmark.trainSteps/mlp/128/all cores"},
                  {"backend": "gpu", "not_run": "no GPU: no NVIDIA driver on this machine"}]}
                """.formatted(format, protocol, cpu, avx512, rate / 2, rate));
        return f;
    }

    @Test
    void twoMachinesSideBySide() throws IOException {
        Path a = result("a.json", BenchComparison.FORMAT, "quick", "AMD EPYC", false, 10_000);
        Path b = result("b.json", BenchComparison.FORMAT, "quick", "Intel Xeon", true, 20_000);
        Path out = dir.resolve("out");
        CliRunner.Run r = CliRunner.run("bench", "compare", a.toString(), b.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        String md = Files.readString(out.resolve("compare.md"));
        assertTrue(md.contains("**A**: AMD EPYC, 2 cores, AVX2") && md.contains("**B**: Intel Xeon, 2 cores, AVX-512"),
                md);
        assertTrue(md.contains("| CPU TrainingBenchmark.trainSteps, all cores | mlp | 128 | 10,000 | 20,000 | 2.00 |"), md);
        assertTrue(md.contains("A, gpu: not run: no GPU"), md);
        String html = Files.readString(out.resolve("compare.html"));
        // one chart, samples/s by batch size with a line per file; no sweep with PyTorch in these files
        assertEquals(1, html.split("data:image/png;base64,", -1).length - 1, "one chart");
        assertTrue(html.contains("CPU TrainingBenchmark.trainSteps (mlp), all cores") && html.contains("<b>B</b>: Intel"),
                html.substring(0, 600));
        assertTrue(r.out().contains("Wrote " + out.resolve("compare.md")), r.out());
    }

    /** A result file with side-by-side rows, on a machine of {@code cores} cores. */
    private Path withPeer(String name, int cores, String peerRows, String sweep) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, """
                {"format": %d, "protocol": "quick", "date": "2026-12-08T01:00:00Z",
                 "machine": {"cpu": "AMD EPYC", "cores": %d, "avx2": true, "avx512": true},
                 "versions": {"vae4j": "0.1.0-SNAPSHOT", "java": "17"},
                 "rows": [{"backend": "cpu", "benchmark": "TrainingBenchmark.trainSteps", "model": "mlp", "batch": 128,
                   "samples_per_s": 20000, "key": "TrainingBenchmark.trainSteps/mlp/128/all cores"}],
                 "peer": {"epochs": 3, "rows": [%s], "sweep": [%s]}}
                """.formatted(BenchComparison.FORMAT, cores, peerRows, sweep));
        return f;
    }

    @Test
    void theSideBySideRowsOfEachFileAreMergedByWhatTheyMeasure() throws IOException {
        Path a = withPeer("a.json", 2, """
                {"impl": "pytorch", "model": "mlp", "cores": 1, "first": 16000, "steady": 16000, "iwae_seconds": 20.0},
                {"impl": "vae4j", "model": "mlp", "cores": 1, "first": 20000, "steady": 24000, "iwae_seconds": 8.0,
                 "ratio_first": 1.25, "ratio_steady": 1.5, "ratio_iwae": 2.5},
                {"impl": "pytorch", "model": "mlp", "cores": 2, "first": 20000, "steady": 20000},
                {"impl": "vae4j", "model": "mlp", "cores": 2, "failed": "exit code 1: out of memory"}""",
                """
                {"impl": "pytorch", "model": "mlp", "cores": 2, "batch": 32, "first": 9000, "steady": 10000},
                {"impl": "vae4j", "model": "mlp", "cores": 2, "batch": 32, "first": 9000, "steady": 14000,
                 "ratio_steady": 1.4}""");
        Path b = withPeer("b.json", 8, """
                {"impl": "pytorch", "model": "mlp", "cores": 8, "first": 40000, "steady": 40000},
                {"impl": "vae4j", "model": "mlp", "cores": 8, "first": 44000, "steady": 48000, "ratio_first": 1.1,
                 "ratio_steady": 1.2}""", "");
        Path out = dir.resolve("out");
        CliRunner.Run r = CliRunner.run("bench", "compare", a.toString(), b.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        String md = Files.readString(out.resolve("compare.md"));
        assertTrue(md.contains("| mlp, 1 core: vae4j / PyTorch, steady | 1.50x | n/a | |"), md);
        // 2 cores of one machine and 8 of the other are both "all cores"; A's vae4j row failed
        assertTrue(md.contains("| mlp, all cores: PyTorch, steady (samples/s) | 20,000 | 40,000 | 2.00 |"), md);
        assertTrue(md.contains("| mlp, all cores: vae4j, steady (samples/s) | n/a | 48,000 | |"), md);
        assertTrue(md.contains("| mlp, all cores: vae4j / PyTorch, first epoch | n/a | 1.10x | |"), md);
        assertTrue(md.contains("| mlp, 1 core: vae4j, IWAE k=1000 on 1,000 images (s) | 8.0 s | n/a | |"), md);
        assertTrue(md.contains("| sweep, batch 32, all cores: vae4j / PyTorch, steady | 1.40x | n/a | |"), md);
        assertTrue(md.contains("A, side by side, vae4j mlp on 2 core(s): failed: exit code 1: out of memory"), md);
        String html = Files.readString(out.resolve("compare.html"));
        assertTrue(html.contains("vae4j / PyTorch across the sweep"), "the sweep's ratio chart");
        String json = Files.readString(out.resolve("compare.json"));
        assertTrue(json.contains("\"side_by_side\"") && json.contains("mlp, all cores: PyTorch, steady (samples/s)"),
                json);
    }

    @Test
    void aRunLimitedToAvx2SaysSoAndABadLimitIsRefused() throws IOException {
        Path a = result("a.json", BenchComparison.FORMAT, "quick", "AMD EPYC", true, 10_000);
        Path limited = dir.resolve("limited.json");
        Files.writeString(limited, Files.readString(result("l.json", BenchComparison.FORMAT, "quick", "AMD EPYC", true,
                8_000)).replace("\"avx512\": true", "\"avx512\": true, \"isa_limit\": \"avx2\""));
        Path out = dir.resolve("out");
        CliRunner.Run r = CliRunner.run("bench", "compare", a.toString(), limited.toString(), "--out",
                out.toString());
        assertEquals(0, r.exitCode(), r.err());
        String md = Files.readString(out.resolve("compare.md"));
        assertTrue(md.contains("**A**: AMD EPYC, 2 cores, AVX-512; "), md);
        assertTrue(md.contains("**B**: AMD EPYC, 2 cores, AVX-512, limited to AVX2"), md);
        CliRunner.Run bad = CliRunner.run("bench", "--isa", "avx512");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--isa takes avx2"), bad.err());
    }

    @Test
    void otherFormatsAndProtocolsAreRefused() throws IOException {
        Path a = result("a.json", BenchComparison.FORMAT, "quick", "AMD EPYC", false, 10_000);
        Path full = result("full.json", BenchComparison.FORMAT, "full", "AMD EPYC", false, 12_000);
        CliRunner.Run protocols = CliRunner.run("bench", "compare", a.toString(), full.toString(), "--out",
                dir.resolve("x").toString());
        assertEquals(1, protocols.exitCode());
        assertTrue(protocols.err().contains("compare files of one protocol"), protocols.err());
        Path old = result("old.json", 1, "quick", "AMD EPYC", false, 9_000);
        CliRunner.Run format = CliRunner.run("bench", "compare", a.toString(), old.toString(), "--out",
                dir.resolve("y").toString());
        assertEquals(1, format.exitCode());
        assertTrue(format.err().contains("is in result format 1") && format.err().contains("run ./vae bench again"),
                format.err());
        CliRunner.Run one = CliRunner.run("bench", "compare", a.toString());
        assertEquals(2, one.exitCode(), "one file is a usage error");
    }
}
