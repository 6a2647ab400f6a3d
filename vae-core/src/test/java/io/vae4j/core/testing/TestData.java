package io.vae4j.core.testing;

import io.vae4j.core.model.Vae;
import io.vae4j.core.train.EpochSummary;
import io.vae4j.core.train.Trainer;
import io.vae4j.core.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Small synthetic data for tests: reproducible from a seed, no files. Shared with other modules' tests. */
public final class TestData {
    private TestData() {
    }

    /** Runs a check with the host kernels switched on or off, and switches them back on after it. */
    public static void withHostKernels(boolean on, Runnable check) {
        io.vae4j.core.backend.HostKernels.setEnabled(on);
        try {
            check.run();
        } finally {
            io.vae4j.core.backend.HostKernels.setEnabled(true);
        }
    }

    /** Trains a model for some epochs with a trainer made and closed for the purpose. */
    public static List<EpochSummary> fit(Vae vae, DataSetIterator data, int epochs, TrainingListener... listeners) {
        try (Trainer trainer = new Trainer(vae)) {
            return trainer.fit(data, epochs, listeners);
        }
    }

    /**
     * n binary "images" of the given size made of a few random prototypes with pixel noise, so there is
     * structure to learn: each example copies one of {@code prototypes} patterns and flips 5% of its pixels.
     */
    public static INDArray binaryPatterns(int n, int size, int prototypes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean[][] protos = new boolean[prototypes][size];
        for (boolean[] p : protos) {
            for (int j = 0; j < size; j++) {
                p[j] = rnd.nextBoolean();
            }
        }
        float[][] data = new float[n][size];
        for (int i = 0; i < n; i++) {
            boolean[] p = protos[rnd.nextInt(prototypes)];
            for (int j = 0; j < size; j++) {
                boolean on = p[j] ^ (rnd.nextDouble() < 0.05);
                data[i][j] = on ? 1f : 0f;
            }
        }
        return Nd4j.createFromArray(data);
    }

    /**
     * Inputs of a conditional model: each row of x followed by a one-hot label, row i having label
     * (i * 7 + 3) mod classes, so every label occurs and neighbouring rows differ.
     */
    public static INDArray withOneHot(INDArray x, int classes) {
        long n = x.size(0);
        INDArray out = Nd4j.create(x.dataType(), n, x.size(1) + classes);
        out.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, x.size(1))).assign(x);
        for (int i = 0; i < n; i++) {
            out.putScalar(i, x.size(1) + (i * 7 + 3) % classes, 1.0);
        }
        return out;
    }

    /** The inputs a configuration's model takes: x, with one-hot labels appended for a conditional model. */
    public static INDArray inputs(INDArray x, io.vae4j.core.config.VaeConfig c) {
        return c.conditional() ? withOneHot(x, c.classes()) : x;
    }

    /** n rows of values uniform in [0, 1]. */
    public static INDArray uniform(int n, int size, long seed, DataType dataType) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] data = new double[n][size];
        for (double[] row : data) {
            for (int j = 0; j < size; j++) {
                row[j] = rnd.nextDouble();
            }
        }
        return Nd4j.createFromArray(data).castTo(dataType);
    }

    /** n rows of N(0, 1) values, drawn in double from a seeded Java generator. */
    public static INDArray gaussian(int n, int size, long seed, DataType dataType) {
        java.util.Random rnd = new java.util.Random(seed);
        double[][] data = new double[n][size];
        for (double[] row : data) {
            for (int j = 0; j < size; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return Nd4j.createFromArray(data).castTo(dataType);
    }

    /**
     * An iterator over the rows of x in fixed order and batches of the given size (the last may be smaller).
     * Labels are the features themselves, as for an autoencoder; the model ignores them.
     */
    public static DataSetIterator iterator(INDArray x, int batchSize) {
        List<DataSet> batches = new ArrayList<>();
        for (long i = 0; i < x.size(0); i += batchSize) {
            INDArray b = x.get(NDArrayIndex.interval(i, Math.min(i + batchSize, x.size(0))), NDArrayIndex.all());
            batches.add(new DataSet(b, b));
        }
        return new ListDataSetIterator<>(batches, 1);
    }
}
