package io.vae4j.core.kernel;

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
        float[] t = new float[l.length];
        float[] x = new float[l.length];
        for (int k = 0; k < l.length; k++) {
            // mostly moderate logits, some far out where tanh(l / 2) is exactly -1 or 1 in float
            l[k] = (float) (k % 97 == 0 ? r.nextDouble(-120, 120) : r.nextDouble(-12, 12));
            t[k] = (float) Math.tanh(l[k] / 2.0); // the kernel's tanh(l / 2), to float rounding
            x[k] = k % 3 == 0 ? (float) r.nextDouble() : r.nextInt(2); // grey and binary targets
        }
        float[] rowGrad = {1f / rows, -0.5f, 2f};
        float[] g = new float[l.length];
        BernoulliKernels.gradient(t, x, rowGrad, cols, g, 0, rows);
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
            // the float rounding of tanh (6e-8 relative) is the only error left
            assertEquals(want, BernoulliKernels.nll(l, t, x, i * cols, cols), 1e-7 * scale, "row " + i);
        }
    }

    @Test
    void longRowsDoNotUnderflowTheProduct() {
        // l = 0: each pixel costs log 2 whatever x is; 5,000 factors of 1/2 would underflow one double product
        int n = 5_000;
        float[] l = new float[n];
        float[] t = new float[n]; // tanh(0 / 2) = 0: s = 1/2
        float[] x = new float[n];
        java.util.Arrays.fill(x, 0, n / 2, 1f);
        assertEquals(n * Math.log(2), BernoulliKernels.nll(l, t, x, 0, n), 1e-9);
    }

    /** t = tanh(l / 2) as the kernels compute it, with oneDNN's tanh and with libnd4j's own, in place. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void halfTanhEqualsTheDefinition(boolean onednn) {
        org.junit.jupiter.api.Assumptions.assumeTrue(!onednn || io.vae4j.core.backend.NativeBuild.onednnLoaded(),
                "oneDNN's tanh needs a oneDNN build");
        org.nd4j.linalg.api.ndarray.INDArray l = org.nd4j.linalg.factory.Nd4j.linspace(
                -60.0, 60.0, 3000, org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape(3, 1000);
        org.nd4j.linalg.api.ndarray.INDArray t = l.ulike();
        for (Object op : BernoulliKernels.halfTanh(l, t, onednn)) {
            if (op instanceof org.nd4j.linalg.api.ops.CustomOp c) {
                org.nd4j.linalg.factory.Nd4j.exec(c);
            } else {
                org.nd4j.linalg.factory.Nd4j.exec((org.nd4j.linalg.api.ops.Op) op);
            }
        }
        float[] lv = l.data().asFloat();
        float[] tv = t.data().asFloat();
        for (int k = 0; k < lv.length; k++) {
            assertEquals(Math.tanh(lv[k] / 2.0), tv[k], 3e-7, "l = " + lv[k]);
        }
    }
}
