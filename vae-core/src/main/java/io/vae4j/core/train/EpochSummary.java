package io.vae4j.core.train;

/**
 * What one training epoch did.
 *
 * @param epoch           0-based epoch index over the model's whole life (a resumed run continues the count)
 * @param beta            KL weight used in the epoch
 * @param meanLoss        mean over the epoch's examples of the training loss (reconstruction + beta * KL), nats
 * @param examples        examples seen
 * @param seconds         wall time of the epoch
 */
public record EpochSummary(int epoch, double beta, double meanLoss, long examples, double seconds) {
    /** Training throughput of the epoch. */
    public double examplesPerSecond() {
        return seconds > 0 ? examples / seconds : Double.NaN;
    }
}
