package io.vae4j.mnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vae4j.mnist.run.RunFiles;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One epoch of the reference protocol on the real MNIST (fetched into the usual data directory if missing).
 * Tagged "mnist": not in the default suite; run it with {@code mvn -B verify -pl vae-mnist -am -Pmnist-tests}.
 */
@Tag("mnist")
class RealMnistTest {
    @TempDir
    Path dir;

    /**
     * After one epoch the PyTorch reference is at 126.9 nats and this project measured 126.6; 130 leaves room for
     * seed-to-seed spread while still failing any real regression (an untrained model scores about 543).
     */
    @Test
    void oneEpochOfTheReferenceProtocol() throws IOException {
        CliRunner.Run r = CliRunner.run("train", "--epochs", "1", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode m = RunFiles.JSON.readTree(dir.resolve("metrics.json").toFile());
        assertEquals(10_000, m.get("test_images").asInt());
        double elbo = m.get("test_neg_elbo").asDouble();
        assertTrue(elbo > 100 && elbo < 130, "test -ELBO after one epoch: " + elbo);
    }
}
