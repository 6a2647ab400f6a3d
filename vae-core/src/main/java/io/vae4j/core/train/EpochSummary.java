package io.vae4j.core.train;

/**
 * What one training epoch did, averaged over its examples as they were trained on (each batch scored with the
 * parameters before its update, one z per example).
 *
 * @param epoch          0-based epoch index over the model's whole life (a resumed run continues the count)
 * @param beta           KL weight used in the epoch
 * @param reconstruction mean reconstruction NLL, nats per example
 * @param kl             mean KL term, nats per example (0 for an autoencoder)
 * @param examples       examples seen
 * @param seconds        wall time of the epoch
 * @param negBound       mean negated training objective with beta = 1, nats per example: the importance-weighted
 *                       bound's for a model trained on it, else the ELBO's (reconstruction + KL)
 */
public record EpochSummary(int epoch, double beta, double reconstruction, double kl, long examples,
                           double seconds, double negBound) {
    /**
     * Mean training loss, reconstruction + beta * KL: what the optimizer minimised under the ELBO objective (under
     * the importance-weighted one it minimised {@link #negBound}).
     */
    public double meanLoss() {
        return reconstruction + beta * kl;
    }

    /** Mean training -ELBO with beta = 1, comparable across beta and warm-up settings. */
    public double negElbo() {
        return reconstruction + kl;
    }

    /** Training throughput of the epoch. */
    public double examplesPerSecond() {
        return seconds > 0 ? examples / seconds : Double.NaN;
    }
}
