package io.vae4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.config.ModelKind;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The conditional VAE uses its label: trained on images that are a fixed pattern per label, what it generates for
 * a label is that label's pattern; it saves, loads and resumes like the others; labels are checked.
 */
class ConditionalVaeTest {
    private static final int CLASSES = 4;
    private static final int SIZE = 16;

    @TempDir
    Path dir;

    /** Label i's image: pixels j with (j / 4) == i switched on, a different block of four per label. */
    private static float[] pattern(int label) {
        float[] p = new float[SIZE];
        for (int j = 0; j < SIZE; j++) {
            p[j] = j / 4 == label ? 1f : 0f;
        }
        return p;
    }

    private static VaeConfig config() {
        return VaeConfig.builder().setInputSize(SIZE).setLatentSize(2).optEncoderHidden(List.of(16))
                .optKind(ModelKind.CVAE).optClasses(CLASSES).optBatchSize(16).optLearningRate(0.01).optSeed(3)
                .build();
    }

    private static INDArray data(int n) {
        INDArray x = Nd4j.create(DataType.FLOAT, n, SIZE + CLASSES);
        for (int i = 0; i < n; i++) {
            int label = i % CLASSES;
            float[] p = pattern(label);
            for (int j = 0; j < SIZE; j++) {
                x.putScalar(i, j, p[j]);
            }
            x.putScalar(i, SIZE + label, 1);
        }
        return x;
    }

    @Test
    void generatesThePatternOfTheLabelAsked() {
        try (Vae vae = Vae.create(config())) {
            TestData.fit(vae, TestData.iterator(data(64), 16), 60);
            for (int label = 0; label < CLASSES; label++) {
                float[] mean = vae.sample(50, 7, label).mean(0).toFloatVector();
                float[] want = pattern(label);
                for (int j = 0; j < SIZE; j++) {
                    assertEquals(want[j], mean[j], 0.2, "label " + label + " pixel " + j);
                }
            }
            // without a label, the labels are drawn in turn: image i has label i mod classes
            INDArray cycled = vae.sample(8, 7);
            for (int i = 0; i < 8; i++) {
                float[] row = cycled.getRow(i).toFloatVector();
                float[] want = pattern(i % CLASSES);
                double err = 0;
                for (int j = 0; j < SIZE; j++) {
                    err += Math.abs(want[j] - row[j]);
                }
                assertTrue(err / SIZE < 0.2, "sample " + i + " is not label " + i % CLASSES + "'s pattern");
            }
        }
    }

    /**
     * Importance sampling of a conditional model with k = 1 is an unbiased estimate of the ELBO: its mean over 800
     * draws per image equals the mean of -(reconstruction + KL) over 800 noise draws (each within 5 standard errors),
     * image by image, for images of every label in one call; so each draw is decoded with its own image's label.
     */
    @Test
    void importanceSamplingUsesEachImagesLabel() {
        int draws = 800;
        try (Vae vae = Vae.create(config())) {
            TestData.fit(vae, TestData.iterator(data(64), 16), 30);
            INDArray x = data(CLASSES); // one image of each label
            INDArray repeated = Nd4j.create(DataType.FLOAT, (long) draws * CLASSES, SIZE + CLASSES);
            for (int r = 0; r < draws * CLASSES; r++) {
                repeated.getRow(r).assign(x.getRow(r % CLASSES));
            }
            double[] iw = vae.importanceWeightedLogLikelihood(repeated, 1, 5);
            INDArray eps = TestData.gaussian(draws * CLASSES, 2, 6, DataType.FLOAT);
            double[] elbo = vae.lossTerms(repeated, eps).negElbo().castTo(DataType.DOUBLE).toDoubleVector();
            for (int label = 0; label < CLASSES; label++) {
                double a = 0;
                double aa = 0;
                double b = 0;
                double bb = 0;
                for (int d = 0; d < draws; d++) {
                    double u = iw[d * CLASSES + label];
                    double v = -elbo[d * CLASSES + label];
                    a += u;
                    aa += u * u;
                    b += v;
                    bb += v * v;
                }
                a /= draws;
                b /= draws;
                double se = Math.sqrt((aa / draws - a * a + bb / draws - b * b) / draws);
                assertEquals(b, a, 5 * se + 1e-3, "label " + label);
            }
        }
    }

    @Test
    void savesAndLoadsWithItsLabels() throws IOException {
        Path file = dir.resolve("cvae.vae");
        INDArray x = data(8);
        try (Vae vae = Vae.create(config())) {
            TestData.fit(vae, TestData.iterator(data(32), 16), 2);
            vae.save(file);
            try (Vae back = Vae.load(file)) {
                assertEquals(vae.config(), back.config());
                assertEquals(CLASSES, back.config().classes());
                assertArrayEquals(vae.encode(x).mu().toFloatMatrix(), back.encode(x).mu().toFloatMatrix());
                assertArrayEquals(vae.reconstruct(x).toFloatMatrix(), back.reconstruct(x).toFloatMatrix());
                assertArrayEquals(vae.sample(5, 1, 2).toFloatMatrix(), back.sample(5, 1, 2).toFloatMatrix());
            }
        }
    }

    /** Trained 1 epoch, saved, loaded and trained 1 more: the same parameters as 2 epochs without a stop. */
    @Test
    void resumesExactly() throws IOException {
        Path file = dir.resolve("half.vae");
        try (Vae straight = Vae.create(config()); Vae first = Vae.create(config())) {
            TestData.fit(straight, TestData.iterator(data(40), 16), 2);
            TestData.fit(first, TestData.iterator(data(40), 16), 1);
            first.save(file);
            try (Vae resumed = Vae.load(file)) {
                TestData.fit(resumed, TestData.iterator(data(40), 16), 1);
                assertEquals(2, resumed.epochsDone());
                for (org.nd4j.autodiff.samediff.SDVariable v : straight.graph().variables()) {
                    if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                        assertArrayEquals(v.getArr().reshape(-1).toFloatVector(),
                                resumed.graph().getArrForVarName(v.name()).reshape(-1).toFloatVector(), v.name());
                    }
                }
            }
        }
    }

    @Test
    void labelsAreChecked() {
        try (Vae cvae = Vae.create(config());
             Vae plain = Vae.create(VaeConfig.builder().setInputSize(SIZE).setLatentSize(2).build())) {
            assertEquals("label must be in [0, 3], got 4",
                    assertThrows(IllegalArgumentException.class, () -> cvae.sample(2, 1, 4)).getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> plain.sample(2, 1, 1)).getMessage()
                    .startsWith("this model is not conditional (kind VAE)"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> cvae.encode(Nd4j.zeros(DataType.FLOAT, 2,
                    SIZE))).getMessage().contains("must have shape [n, 20] (16 pixels, then the one-hot label of 4)"));
            INDArray in = cvae.withLabelsIn(Nd4j.ones(DataType.FLOAT, 2, SIZE), new int[] {3, 0});
            assertEquals(1f, in.getFloat(0, SIZE + 3));
            assertEquals(1f, in.getFloat(1, SIZE));
            assertEquals(SIZE + 1, in.sumNumber().intValue() / 2);
        }
    }
}
