package io.vae4j.mnist.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.SyntheticMnist;
import io.vae4j.mnist.run.MetricsLog;
import io.vae4j.mnist.run.RunFiles;
import io.vae4j.mnist.run.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run directory is a record: run.json holds the whole configuration before the first epoch, --resume takes every
 * setting from it, a directory whose records disagree is refused with nothing destroyed, --restart keeps the
 * settings and moves the old files aside; and work beyond a day is refused before it starts.
 */
class RunRecordTest {
    @TempDir
    static Path root;

    static Path data;

    /** The small run: one epoch, a 32-unit hidden layer, a 4-D latent space. */
    static final String[] SMALL = {"--epochs", "1", "--limit", "200", "--hidden", "32", "--latent", "4",
        "--batch-size", "50", "--test-limit", "100"};

    @BeforeAll
    static void mnist() throws IOException {
        data = root.resolve("mnist");
        SyntheticMnist.write(data, 300, 150, 11, false);
    }

    private static Path trained(String name) throws IOException {
        Path dir = root.resolve(name);
        CliRunner.Run r = CliRunner.run(CliTest.concat(new String[] {"train", "--data", data.toString(), "--out",
            dir.toString()}, SMALL));
        assertEquals(0, r.exitCode(), r.err());
        return dir;
    }

    @Test
    void runJsonRecordsTheWholeConfigurationAndTheCommand() throws IOException {
        Path dir = trained("record");
        RunRecord r = RunRecord.read(dir);
        assertEquals(RunRecord.FORMAT, r.format());
        assertEquals(4, r.config().latentSize());
        assertEquals(List.of(32), r.config().encoderHidden());
        assertEquals(50, r.config().batchSize());
        assertEquals(200, r.settings().limit());
        assertTrue(r.command().containsAll(List.of("./vae", "train", "--latent", "4")), r.command().toString());
        try (Vae v = Vae.load(dir.resolve(RunFiles.MODEL))) {
            assertEquals(r.config(), v.config());
        }
    }

    /** The sequence: lose model.vae, then --resume. Refused; then --restart with the run's own settings. */
    @Test
    void aLostCheckpointIsRefusedThenRestartedWithTheRunsOwnSettings() throws IOException {
        Path dir = trained("lost");
        Files.delete(dir.resolve(RunFiles.MODEL));
        byte[] metrics = Files.readAllBytes(dir.resolve(MetricsLog.FILE));
        byte[] record = Files.readAllBytes(dir.resolve(RunFiles.SETTINGS));

        CliRunner.Run refused = CliRunner.run("train", "--resume", dir.toString(), "--data", data.toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("metrics.csv has metrics for epochs 1-1 but there is no checkpoint"),
                refused.err());
        assertTrue(refused.err().contains("--restart") && refused.err().contains("another --out"), refused.err());
        assertArrayEquals(metrics, Files.readAllBytes(dir.resolve(MetricsLog.FILE)), "metrics.csv untouched");
        assertArrayEquals(record, Files.readAllBytes(dir.resolve(RunFiles.SETTINGS)), "run.json untouched");
        assertFalse(Files.exists(dir.resolve(RunFiles.MODEL)));

        CliRunner.Run restarted = CliRunner.run("train", "--resume", dir.toString(), "--restart", "--data",
                data.toString());
        assertEquals(0, restarted.exitCode(), restarted.err());
        assertTrue(restarted.out().contains("Moved the earlier files"), restarted.out());
        Path previous;
        try (Stream<Path> s = Files.list(dir)) {
            previous = s.filter(p -> p.getFileName().toString().startsWith("previous-")).findFirst().orElseThrow();
        }
        assertArrayEquals(metrics, Files.readAllBytes(previous.resolve(MetricsLog.FILE)), "the old rows survive");
        try (Vae v = Vae.load(dir.resolve(RunFiles.MODEL))) {
            assertEquals(4, v.config().latentSize()); // the run's settings, not the default 20
            assertEquals(List.of(32), v.config().encoderHidden());
            assertEquals(1, v.epochsDone());
        }
        assertEquals(1, MetricsLog.readRows(dir.resolve(MetricsLog.FILE)).size());
    }

    @Test
    void aCheckpointWhoseConfigurationDiffersFromTheRecordIsRefused() throws IOException {
        Path dir = trained("differs");
        Path json = dir.resolve(RunFiles.SETTINGS);
        String text = Files.readString(json);
        Files.writeString(json, text.replace("\"latentSize\" : 4", "\"latentSize\" : 5"));
        CliRunner.Run r = CliRunner.run("train", "--resume", dir.toString(), "--epochs", "2", "--data",
                data.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("the checkpoint's configuration differs")
                && r.err().contains("latentSize: 5 recorded, 4 in the checkpoint"), r.err());
    }

    @Test
    void rowsOutOfOrderAreRefused() throws IOException {
        Path dir = trained("order");
        CliRunner.Run more = CliRunner.run("train", "--resume", dir.toString(), "--epochs", "2", "--data",
                data.toString());
        assertEquals(0, more.exitCode(), more.err());
        List<String> lines = Files.readAllLines(dir.resolve(MetricsLog.FILE));
        Files.write(dir.resolve(MetricsLog.FILE), List.of(lines.get(0), lines.get(2), lines.get(1)));
        CliRunner.Run r = CliRunner.run("train", "--resume", dir.toString(), "--epochs", "3", "--data",
                data.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("out of order"), r.err());
    }

    /** Interrupted between the checkpoint and its row: the row's test figures are computed again on resume. */
    @Test
    void aCheckpointOneRowAheadGetsItsRowBack() throws IOException {
        Path dir = trained("ahead");
        List<String> lines = Files.readAllLines(dir.resolve(MetricsLog.FILE));
        Files.write(dir.resolve(MetricsLog.FILE), List.of(lines.get(0)));
        CliRunner.Run r = CliRunner.run("train", "--resume", dir.toString(), "--epochs", "2", "--data",
                data.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<MetricsLog.Row> rows = MetricsLog.readRows(dir.resolve(MetricsLog.FILE));
        assertEquals(List.of(1, 2), rows.stream().map(MetricsLog.Row::epoch).toList());
        double before = Double.parseDouble(lines.get(1).split(",")[1]);
        assertEquals(before, rows.get(0).testNegElbo(), 1e-3, "the same checkpoint scores the same");
        assertTrue(Double.isNaN(rows.get(0).trainNegElbo()), "the lost training figures are not invented");
    }

    /** A damaged checkpoint is a disagreement too: refused, and --restart trains the run again. */
    @Test
    void aDamagedCheckpointCanBeRestarted() throws IOException {
        Path dir = trained("damaged");
        Files.write(dir.resolve(RunFiles.MODEL), new byte[] {1, 2, 3});
        CliRunner.Run refused = CliRunner.run("train", "--resume", dir.toString(), "--epochs", "2", "--data",
                data.toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("the checkpoint cannot be read"), refused.err());
        CliRunner.Run restarted = CliRunner.run("train", "--resume", dir.toString(), "--restart", "--data",
                data.toString());
        assertEquals(0, restarted.exitCode(), restarted.err());
    }

    /** A run in progress is named by its lock, before its files are judged (inside a container too). */
    @Test
    void aRunInProgressIsReportedByItsLock() throws IOException {
        Path dir = trained("busy");
        try (io.vae4j.mnist.run.RunLock held = io.vae4j.mnist.run.RunLock.acquire(dir)) {
            CliRunner.Run r = CliRunner.run(CliTest.concat(new String[] {"train", "--data", data.toString(),
                "--out", dir.toString()}, SMALL));
            assertEquals(1, r.exitCode());
            assertTrue(r.err().contains(dir + " is in use by another run (process "
                    + ProcessHandle.current().pid() + ")"), r.err());
            CliRunner.Run resume = CliRunner.run("train", "--resume", dir.toString(), "--data", data.toString());
            assertEquals(1, resume.exitCode());
            assertTrue(resume.err().contains("is in use by another run"), resume.err());
        }
    }

    @Test
    void aNewRunIntoADirectoryThatHoldsOneIsRefused() throws IOException {
        Path dir = trained("taken");
        CliRunner.Run r = CliRunner.run(CliTest.concat(new String[] {"train", "--data", data.toString(), "--out",
            dir.toString()}, SMALL));
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("already holds a run; continue it with --resume"), r.err());
        CliRunner.Run restart = CliRunner.run("train", "--restart", "--data", data.toString());
        assertEquals(2, restart.exitCode());
        assertTrue(restart.err().contains("--restart needs --resume"), restart.err());
    }

    @Test
    void workBeyondADayIsRefusedAtOnceWithTheEstimateAndTheOverride() throws IOException {
        // the reference model's shape (784-400-20), trained briefly: the command on it
        Path dir = root.resolve("work");
        CliRunner.Run t = CliRunner.run("train", "--data", data.toString(), "--out", dir.toString(), "--epochs", "1",
                "--limit", "100", "--test-limit", "50", "--batch-size", "50");
        assertEquals(0, t.exitCode(), t.err());
        CliRunner.Run r = CliRunner.run("evaluate", "--model", dir.toString(), "--data", data.toString(),
                "--iwae-k", "2000000000", "--test-limit", "10");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("k=2,000,000,000 on 10 test images (20,000,000,000 decoder passes)")
                && r.err().contains("would take about") && r.err().contains("--max-hours"), r.err());
        assertFalse(Files.exists(dir.resolve("evaluation.json")), "nothing was started");

        CliRunner.Run epochs = CliRunner.run("train", "--data", data.toString(), "--out",
                root.resolve("long").toString(), "--epochs", "100000", "--hidden", "4096,4096");
        assertEquals(1, epochs.exitCode());
        assertTrue(epochs.err().contains("training 100000 epochs") && epochs.err().contains("--max-hours"),
                epochs.err());
        assertFalse(Files.exists(root.resolve("long").resolve(RunFiles.SETTINGS)), "nothing was written");

        CliRunner.Run memory = CliRunner.run("train", "--data", data.toString(), "--out",
                root.resolve("big").toString(), "--epochs", "1", "--batch-size", "65536", "--hidden", "8192");
        assertEquals(1, memory.exitCode());
        assertTrue(memory.err().contains("GB of native memory") && memory.err().contains("--batch-size"),
                memory.err());
    }

    /** anomaly continues through --out: the same rules, and --restart keeps its held-out digit. */
    @Test
    void anomalyRunsFollowTheSameRules() throws IOException {
        Path dir = root.resolve("anomaly");
        String[] cmd = CliTest.concat(new String[] {"anomaly", "--holdout", "3", "--score-samples", "1", "--data",
            data.toString(), "--out", dir.toString()}, SMALL);
        CliRunner.Run first = CliRunner.run(cmd);
        assertEquals(0, first.exitCode(), first.err());
        Files.delete(dir.resolve(RunFiles.MODEL));
        CliRunner.Run refused = CliRunner.run(cmd);
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("records disagree") && refused.err().contains("--restart"),
                refused.err());
        CliRunner.Run restarted = CliRunner.run(CliTest.concat(cmd, "--restart"));
        assertEquals(0, restarted.exitCode(), restarted.err());
        assertEquals(3, RunRecord.read(dir).settings().excludeDigit());
        assertTrue(Files.exists(dir.resolve("anomaly.json")));
    }
}
