package io.vae4j.core.train;

/**
 * The seeds of a training run's randomness, each a fixed mix of the model's seed and where in the run it is used, so
 * that a run resumed after epoch n draws exactly what the uninterrupted run drew.
 */
public final class Seeds {
    private Seeds() {
    }

    /** Seed of the in-graph noise for one epoch: a fixed mix of the model seed and the epoch index. */
    public static long epochSeed(long seed, int epoch) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }

    /**
     * Seed of the corruption of one training batch of a denoising model: a fixed mix of the model seed, the epoch
     * and the batch's index in it.
     */
    public static long corruptionSeed(long seed, int epoch, long batch) {
        return epochSeed(seed ^ 0x6A09E667F3BCC909L, epoch) * 0x9E3779B97F4A7C15L + batch;
    }
}
