package io.vae4j.core.train;

/**
 * Receives training progress. Called on the training thread; keep the work small.
 * Every method has an empty default, so implement only what you need.
 */
public interface TrainingListener {
    /** Before the first batch of an epoch (0-based), with the KL weight used in it. */
    default void onEpochStart(int epoch, double beta) {
    }

    /** After each optimizer step, with the batch's mean loss (-ELBO with the current beta) per example. */
    default void onBatch(int epoch, long iteration, int batchSize, double loss) {
    }

    /** After the last batch of an epoch. */
    default void onEpochEnd(EpochSummary summary) {
    }
}
