package io.vae4j.mnist.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of a run in progress says how far it is and refreshes itself; that of an ended run does not. */
class RunReportTest {
    @TempDir
    Path dir;

    @Test
    void aLivePageRefreshesAndAnEndedOneDoesNot() throws IOException {
        MetricsLog log = MetricsLog.open(dir);
        log.append(new MetricsLog.Row(1, 150.5, 140.0, 10.5, 170.0, 160.0, 10.0, 1.0, 20_000, 3.0, 170.0,
                Double.NaN));
        Path file = RunReport.write(dir, new RunReport.Live(1, 3, 120));
        String live = Files.readString(file);
        assertTrue(live.contains("<meta http-equiv=\"refresh\" content=\"" + RunReport.REFRESH_SECONDS + "\">"),
                "a live page refreshes itself");
        assertTrue(live.contains("Training: epoch 1 of 3 done, about 2 minutes left."), live);
        assertTrue(live.contains("150.50"), "the metrics of the last complete epoch");

        String ended = Files.readString(RunReport.write(dir, null));
        assertFalse(ended.contains("http-equiv=\"refresh\""), "an ended run's page stays still");
        assertFalse(ended.contains("Training: epoch"));
    }
}
