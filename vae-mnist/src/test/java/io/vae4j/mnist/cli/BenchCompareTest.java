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
                  {"backend": "cpu", "benchmark": "TrainingBenchmark.trainSteps", "model": "mlp", "batch": 128,
                   "samples_per_s": %s, "key": "TrainingBenchmark.trainSteps/mlp/128/all cores"},
                  {"backend": "gpu", "not_run": "no GPU: no NVIDIA driver on this machine"}]}
                """.formatted(format, protocol, cpu, avx512, rate));
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
        assertTrue(Files.readString(out.resolve("compare.html")).contains("data:image/png;base64,"), "a chart");
        assertTrue(r.out().contains("Wrote " + out.resolve("compare.md")), r.out());
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
