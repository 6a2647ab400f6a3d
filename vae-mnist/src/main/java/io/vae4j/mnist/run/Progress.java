package io.vae4j.mnist.run;

import io.vae4j.core.train.EpochSummary;
import io.vae4j.core.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Training progress: on a terminal, a bar redrawn in place with samples/s and ETA; otherwise (CI logs, pipes)
 * a plain line every ten seconds.
 */
public final class Progress implements TrainingListener {
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final long examplesPerEpoch;
    private final int totalEpochs;
    private long epochStart;
    private long seen;
    private long lastDraw;
    private double lastLoss;
    private int epoch;

    public Progress(PrintStream out, boolean terminal, long examplesPerEpoch, int totalEpochs) {
        this.out = out;
        this.terminal = terminal;
        this.examplesPerEpoch = examplesPerEpoch;
        this.totalEpochs = totalEpochs;
    }

    @Override
    public void onEpochStart(int epoch, double beta) {
        this.epoch = epoch;
        epochStart = System.nanoTime();
        lastDraw = epochStart;
        seen = 0;
    }

    @Override
    public void onBatch(int epoch, long iteration, int batchSize, double loss) {
        seen += batchSize;
        lastLoss = loss;
        long now = System.nanoTime();
        if (terminal ? now - lastDraw > 200_000_000L : now - lastDraw > LOG_INTERVAL_NANOS) {
            lastDraw = now;
            out.print(line(now) + (terminal ? "\r" : "\n"));
            out.flush();
        }
    }

    @Override
    public void onEpochEnd(EpochSummary summary) {
        if (terminal) {
            out.print(" ".repeat(WIDTH + 80) + "\r");
            out.flush();
        }
    }

    String line(long now) {
        double seconds = (now - epochStart) / 1e9;
        double rate = seconds > 0 ? seen / seconds : 0;
        double eta = rate > 0 ? (examplesPerEpoch - seen) / rate : 0;
        double fraction = Math.min(1.0, (double) seen / Math.max(1, examplesPerEpoch));
        int filled = (int) Math.round(fraction * WIDTH);
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        return String.format(Locale.ROOT, "epoch %d/%d [%s] %3.0f%% %,d/%,d  %,.0f samples/s  ETA %s  loss %.2f",
                epoch + 1, totalEpochs, bar, fraction * 100, seen, examplesPerEpoch, rate, clock(eta), lastLoss);
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
