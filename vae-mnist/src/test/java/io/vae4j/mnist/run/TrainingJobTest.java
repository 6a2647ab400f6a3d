package io.vae4j.mnist.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.Binarization;
import io.vae4j.mnist.data.MnistFetcher;
import io.vae4j.mnist.data.SyntheticMnist;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run per directory, and the checkpoint as the commit point of an epoch. */
class TrainingJobTest {
    @TempDir
    Path root;

    private MnistData data;
    private final PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());

    @BeforeEach
    void data() throws IOException {
        Path dir = root.resolve("mnist");
        SyntheticMnist.write(dir, 64, 32, 2, false);
        data = MnistData.load(dir, new RunSettings(1, Binarization.NONE, 0, 0, -1), 1, MnistFetcher.standard());
    }

    private RunRecord record(Vae vae) {
        return RunRecord.start(data.settings(), vae.config(), List.of("test"));
    }

    private static Vae model() {
        return Vae.create(VaeConfig.builder().setInputShape(1, 28, 28).setLatentSize(2)
                .optEncoderHidden(List.of(16)).optBatchSize(32).build());
    }

    @Test
    void aSecondRunIntoADirectoryInUseIsRefused() throws IOException {
        Path run = root.resolve("run");
        try (RunLock first = RunLock.acquire(run); Vae vae = model()) {
            IOException e = assertThrows(IOException.class,
                    () -> TrainingJob.run(vae, data, run, record(vae), quiet, false, "retry"));
            assertTrue(e.getMessage().contains(run + " is in use by another run (process "
                    + ProcessHandle.current().pid() + ")"), e.getMessage());
            assertFalse(Files.exists(run.resolve(RunFiles.MODEL)), "the refused run wrote a model");
            assertFalse(Files.exists(run.resolve(RunFiles.SETTINGS)), "the refused run wrote its settings");
        }
        // released: the lock file is gone and the directory can be used
        assertFalse(Files.exists(run.resolve(RunLock.FILE)));
        // a lock file a crashed process left behind (no OS lock on it) is stale: it does not block
        Files.writeString(run.resolve(RunLock.FILE), "999999\n");
        try (Vae vae = model()) {
            TrainingJob.run(vae, data, run, record(vae), quiet, false, "retry");
            assertEquals(1, vae.epochsDone());
        }
        assertTrue(Files.exists(run.resolve(RunFiles.MODEL)));
    }

    @Test
    void aFailedCheckpointLeavesNoTraceOfItsEpoch() throws IOException {
        Path run = root.resolve("full");
        // the checkpoint cannot be written: where model.vae should go stands a non-empty directory (as a full
        // disk, the save fails)
        Files.createDirectories(run.resolve(RunFiles.MODEL).resolve("x"));
        try (Vae vae = model()) {
            assertThrows(IOException.class, () -> TrainingJob.run(vae, data, run, record(vae), quiet, false, "retry"));
        }
        List<String> rows = Files.exists(run.resolve("metrics.csv")) ? Files.readAllLines(run.resolve("metrics.csv"))
                : List.of();
        assertTrue(rows.size() <= 1, "metrics.csv describes an epoch the model does not have: " + rows);
        assertFalse(Files.exists(run.resolve("reconstruction_1.png")));
        assertFalse(Files.exists(run.resolve("samples_1.png")));
    }
}
