package io.vae4j.core.graph;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/** A seeded source of standard-normal noise, separate from ND4J's global generator. */
public final class Noise implements AutoCloseable {
    private final Random rng;

    public Noise(long seed) {
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    /** A [rows, cols] array of N(0, 1) values in the given type. */
    public INDArray normal(long rows, long cols, DataType dataType) {
        INDArray eps = Nd4j.randn(rng, rows, cols);
        return eps.dataType() == dataType ? eps : eps.castTo(dataType);
    }

    /** Fills an array with N(0, 1) values in place. */
    public void fill(INDArray out) {
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.random.impl.GaussianDistribution(out, 0.0, 1.0), rng);
    }

    @Override
    public void close() {
        try {
            rng.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not release the noise generator", e);
        }
    }
}
