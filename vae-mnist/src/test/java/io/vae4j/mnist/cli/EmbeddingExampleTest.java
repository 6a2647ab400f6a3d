package io.vae4j.mnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.MnistFiles;
import io.vae4j.mnist.data.SyntheticMnist;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * `./vae export`, then the embedding example (examples/embedding, a Maven project of its own) built with Maven and
 * run in a separate JVM whose class path holds DL4J, ND4J and their dependencies but no class of this project.
 */
class EmbeddingExampleTest {
    @TempDir
    Path root;

    @Test
    void exportedModelLoadsAndRunsWithoutThisProjectsClasses() throws Exception {
        Path data = root.resolve("mnist");
        SyntheticMnist.write(data, 300, 50, 3, false);
        Path run = root.resolve("run");
        assertEquals(0, CliRunner.run("train", "--data", data.toString(), "--out", run.toString(), "--epochs", "1",
                "--hidden", "32", "--latent", "4", "--batch-size", "50").exitCode());
        Path exported = root.resolve("exported");
        CliRunner.Run export = CliRunner.run("export", "--model", run.toString(), "--out", exported.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertTrue(export.out().contains("encoder.zip") && export.out().contains("decoder.zip"), export.out());
        // with --model alone, into export/ in the run directory
        CliRunner.Run plain = CliRunner.run("export", "--model", run.toString());
        assertEquals(0, plain.exitCode(), plain.err());
        assertTrue(Files.exists(run.resolve("export").resolve("encoder.zip")), plain.out());

        // the example is a Maven project of its own: built as a user builds it, from Maven Central's artifacts
        Path project = Path.of("..", "examples", "embedding").toAbsolutePath().normalize();
        Process build = new ProcessBuilder(mvn(), "-B", "-q", "package").directory(project.toFile())
                .redirectErrorStream(true).start();
        String buildLog = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(build.waitFor(10, TimeUnit.MINUTES), "mvn package of the example finished");
        assertEquals(0, build.exitValue(), "the embedding example builds: " + buildLog);
        Path jar = project.resolve("target").resolve("embedding.jar");
        try (var libs = Files.list(project.resolve("target").resolve("lib"))) {
            List<String> own = libs.map(l -> l.getFileName().toString()).filter(n -> n.startsWith("vae-")).toList();
            assertEquals(List.of(), own, "the example needs no jar of this project");
        }

        Path images = data.resolve(MnistFiles.TEST_IMAGES);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), exported.resolve("encoder.zip").toString(),
                exported.resolve("decoder.zip").toString(), images.toString(), "7")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), output);
        Matcher m = Pattern.compile("reconstruction error: ([0-9.]+) nats").matcher(output);
        assertTrue(m.find(), output);

        // The same number from the SameDiff model, computed here in double.
        try (Vae vae = Vae.load(run.resolve("model.vae"))) {
            INDArray x = MnistFiles.test(data).features(7);
            double[] p1 = vae.reconstruct(x).castTo(DataType.DOUBLE).toDoubleVector();
            double[] xs = x.castTo(DataType.DOUBLE).toDoubleVector();
            double bce = 0;
            for (int j = 0; j < xs.length; j++) {
                double q = Math.min(Math.max(p1[j], 1e-7), 1 - 1e-7);
                bce -= xs[j] * Math.log(q) + (1 - xs[j]) * Math.log(1 - q);
            }
            assertEquals(bce, Double.parseDouble(m.group(1)), 1e-3 * bce);
        }
    }

    /** Maven as the build runs it: mvn on the PATH (CI and the README's set-up have it). */
    private static String mvn() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "mvn"))) {
                return Path.of(dir, "mvn").toString();
            }
        }
        throw new AssertionError("mvn is not on the PATH; the embedding example's build needs Maven");
    }
}
