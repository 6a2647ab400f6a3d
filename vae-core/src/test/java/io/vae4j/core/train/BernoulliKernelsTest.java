package io.vae4j.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Java Bernoulli kernels against the definition computed by hand in double precision:
 * NLL = sum of max(l, 0) - l x + log1p(exp(-|l|)), gradient g (sigmoid(l) - x).
 */
class BernoulliKernelsTest {
    @Test
    void nllAndGradientEqualTheDefinitionInDouble() {
        int rows = 3;
        int cols = 1_300; // more than one product of LOG_EVERY factors per row
        SplittableRandom r = new SplittableRandom(11);
        float[] l = new float[rows * cols];
        float[] s = new float[l.length];
        float[] x = new float[l.length];
        for (int k = 0; k < l.length; k++) {
            // mostly moderate logits, some far out where the float sigmoid is exactly 0 or 1
            l[k] = (float) (k % 97 == 0 ? r.nextDouble(-120, 120) : r.nextDouble(-12, 12));
            s[k] = (float) (1 / (1 + Math.exp(-l[k]))); // libnd4j's sigmoid, to float rounding
            x[k] = k % 3 == 0 ? (float) r.nextDouble() : r.nextInt(2); // grey and binary targets
        }
        float[] rowGrad = {1f / rows, -0.5f, 2f};
        float[] g = new float[l.length];
        BernoulliKernels.gradient(s, x, rowGrad, cols, g, 0, rows);
        for (int i = 0; i < rows; i++) {
            double want = 0;
            double scale = 0;
            for (int k = i * cols; k < (i + 1) * cols; k++) {
                double term = Math.max(l[k], 0.0) - (double) l[k] * x[k] + Math.log1p(Math.exp(-Math.abs(l[k])));
                want += term;
                scale += Math.abs(term);
                double sigmoid = 1 / (1 + Math.exp(-(double) l[k]));
                assertEquals(rowGrad[i] * (sigmoid - x[k]), g[k], 1e-6 * Math.abs(rowGrad[i]), "gradient " + k);
            }
            // the sigmoid's float rounding (6e-8 relative) is the only error left
            assertEquals(want, BernoulliKernels.nll(l, s, x, i * cols, cols), 1e-7 * scale, "row " + i);
        }
    }

    @Test
    void longRowsDoNotUnderflowTheProduct() {
        // l = 0: each pixel costs log 2 whatever x is; 5,000 factors of 1/2 would underflow one double product
        int n = 5_000;
        float[] l = new float[n];
        float[] s = new float[n];
        float[] x = new float[n];
        java.util.Arrays.fill(s, 0.5f);
        java.util.Arrays.fill(x, 0, n / 2, 1f);
        assertEquals(n * Math.log(2), BernoulliKernels.nll(l, s, x, 0, n), 1e-9);
    }
}
