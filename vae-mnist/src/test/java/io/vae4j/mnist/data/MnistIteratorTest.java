package io.vae4j.mnist.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class MnistIteratorTest {
    private static MnistSplit split() {
        byte[] pixels = new byte[50 * 784];
        byte[] labels = new byte[50];
        for (int i = 0; i < 50; i++) {
            labels[i] = (byte) (i % 10);
            for (int j = 0; j < 784; j++) {
                pixels[i * 784 + j] = (byte) ((i * 7 + j) % 256);
            }
        }
        return new MnistSplit("train", pixels, labels, 50, 28, 28);
    }

    @Test
    void batchesCoverTheSplitWithOneHotLabels() {
        MnistIterator it = MnistIterator.inOrder(split(), 16);
        int seen = 0;
        int batches = 0;
        while (it.hasNext()) {
            DataSet ds = it.next();
            assertEquals(784, ds.getFeatures().size(1));
            for (int r = 0; r < ds.numExamples(); r++) {
                int i = seen + r;
                assertEquals((i * 7 + 5) % 256 / 255f, ds.getFeatures().getFloat(r, 5), 0f);
                assertEquals(1f, ds.getLabels().getFloat(r, i % 10), 0f);
                assertEquals(1f, ds.getLabels().getRow(r).sumNumber().floatValue(), 0f);
            }
            seen += ds.numExamples();
            batches++;
        }
        assertEquals(50, seen);
        assertEquals(4, batches);
    }

    /** Epoch e's batches are the same whether reached by resets from epoch 0 or by starting at e (resume). */
    @Test
    void eachEpochDependsOnlyOnSeedAndEpoch() {
        MnistIterator fromStart = new MnistIterator(split(), 8, 5, true, true, 0);
        fromStart.reset(); // a reset before any batch is drawn keeps epoch 0
        assertEquals(0, fromStart.epoch());
        DataSet epoch0 = fromStart.next();
        while (fromStart.hasNext()) {
            fromStart.next();
        }
        fromStart.reset();
        fromStart.next();
        fromStart.reset();
        assertEquals(2, fromStart.epoch());
        MnistIterator resumed = new MnistIterator(split(), 8, 5, true, true, 2);
        DataSet a = fromStart.next();
        DataSet b = resumed.next();
        assertArrayEquals(a.getFeatures().reshape(-1).toFloatVector(), b.getFeatures().reshape(-1).toFloatVector());
        assertArrayEquals(a.getLabels().reshape(-1).toFloatVector(), b.getLabels().reshape(-1).toFloatVector());
        assertFalse(epoch0.getFeatures().equalsWithEps(a.getFeatures(), 1e-6), "epochs differ");
    }

    /** Dynamic binarization draws 0/1 with P(1) = intensity: over 40 epochs the mean is within 5 SE of it. */
    @Test
    void dynamicBinarizationIsBernoulliOfTheIntensity() {
        MnistSplit s = split();
        MnistIterator it = new MnistIterator(s, 50, 9, false, true, 0);
        int epochs = 40;
        double[] sum = new double[784];
        for (int e = 0; e < epochs; e++) {
            it.reset();
            DataSet ds = it.next();
            float[] row = ds.getFeatures().getRow(3).toFloatVector();
            for (int j = 0; j < 784; j++) {
                assertTrue(row[j] == 0f || row[j] == 1f);
                sum[j] += row[j];
            }
        }
        double totalP = 0;
        double totalMean = 0;
        for (int j = 0; j < 784; j++) {
            totalP += s.pixel(3, j);
            totalMean += sum[j] / epochs;
        }
        double var = 0;
        for (int j = 0; j < 784; j++) {
            double p = s.pixel(3, j);
            var += p * (1 - p) / epochs;
        }
        assertEquals(totalP, totalMean, 5 * Math.sqrt(var));
    }

    @Test
    void staticBinarizationIsFixedBySeed() {
        MnistSplit a = split().binarized(3);
        MnistSplit b = split().binarized(3);
        assertArrayEquals(a.pixels(), b.pixels());
        for (byte p : a.pixels()) {
            assertTrue(p == 0 || p == (byte) 255);
        }
    }

    /** The trainer's direct path reads the same features as next(), batch for batch, over epochs. */
    @Test
    void nextFeaturesEqualsNext() {
        MnistIterator direct = new MnistIterator(split(), 16, 9, true, true, 3);
        MnistIterator sets = new MnistIterator(split(), 16, 9, true, true, 3);
        float[] buf = new float[16 * 784];
        for (int epoch = 0; epoch < 2; epoch++) {
            direct.reset();
            sets.reset();
            int batches = 0;
            while (sets.hasNext()) {
                assertTrue(direct.hasNext());
                float[] want = sets.next().getFeatures().reshape(-1).toFloatVector();
                int n = direct.nextFeatures(buf);
                assertEquals(want.length / 784, n);
                assertArrayEquals(want, java.util.Arrays.copyOf(buf, n * 784), "epoch " + epoch + " batch " + batches);
                batches++;
            }
            assertFalse(direct.hasNext());
            assertEquals(4, batches);
        }
    }

    /** Training through the direct path gives the same parameters as training on the DataSets. */
    @Test
    void trainingThroughNextFeaturesEqualsTrainingOnDataSets() {
        io.vae4j.core.config.VaeConfig c = io.vae4j.core.config.VaeConfig.builder().setInputSize(784)
                .setLatentSize(2).optEncoderHidden(java.util.List.of(8)).optBatchSize(16).optSeed(4).build();
        try (io.vae4j.core.model.Vae direct = io.vae4j.core.model.Vae.create(c);
             io.vae4j.core.model.Vae sets = io.vae4j.core.model.Vae.create(c)) {
            io.vae4j.core.testing.TestData.fit(direct, new MnistIterator(split(), 16, 2, true, false, 0), 2);
            MnistIterator it = new MnistIterator(split(), 16, 2, true, false, 0);
            // a pre-processor that changes nothing hides the direct path from the trainer
            it.setPreProcessor(ds -> { });
            io.vae4j.core.testing.TestData.fit(sets, it, 2);
            assertEquals(sets.graph().variables().size(), direct.graph().variables().size());
            for (org.nd4j.autodiff.samediff.SDVariable v : sets.graph().variables()) {
                if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                    assertArrayEquals(v.getArr().reshape(-1).toFloatVector(),
                            direct.graph().getArrForVarName(v.name()).reshape(-1).toFloatVector(), 0f, v.name());
                }
            }
        }
    }

    /** With labels in the features, each row is the pixels then the one-hot label, also in a reused buffer. */
    @Test
    void labelsInFeaturesFollowThePixels() {
        MnistIterator it = new MnistIterator(split(), 16, 1, true, false, 0, true);
        MnistIterator plain = new MnistIterator(split(), 16, 1, true, false, 0);
        assertEquals(794, it.inputColumns());
        float[] buf = new float[16 * 794];
        java.util.Arrays.fill(buf, 7f); // stale values must not survive
        while (it.hasNext()) {
            DataSet ds = plain.next();
            int n = it.nextFeatures(buf);
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < 784; j++) {
                    assertEquals(ds.getFeatures().getFloat(r, j), buf[r * 794 + j], 0f);
                }
                for (int c = 0; c < 10; c++) {
                    assertEquals(ds.getLabels().getFloat(r, c), buf[r * 794 + 784 + c], 0f);
                }
            }
        }
        DataSet first = MnistIterator.inOrder(split(), 4, true).next();
        assertEquals(794, first.getFeatures().size(1));
        assertEquals(1f, first.getFeatures().getFloat(2, 784 + 2), 0f);
    }
}
