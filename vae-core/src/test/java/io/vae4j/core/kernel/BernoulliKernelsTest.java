package io.vae4j.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.backend.HostKernels;
import io.vae4j.core.backend.NativeBuild;
import io.vae4j.core.exec.Step;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Java Bernoulli kernels against the definition computed by hand in double precision:
 * NLL = sum of max(l, 0) - l x + log1p(exp(-|l|)), gradient g (sigmoid(l) - x); and the two ways they get
 * s = sigmoid(l), oneDNN's logistic primitive and ND4J's ops.
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
            // mostly moderate logits, some far out where sigmoid(l) is exactly 0 or 1 in float
            l[k] = (float) (k % 97 == 0 ? r.nextDouble(-120, 120) : r.nextDouble(-12, 12));
            s[k] = (float) sigmoid(l[k]); // the kernel's sigmoid, to float rounding
            x[k] = k % 3 == 0 ? (float) r.nextDouble() : r.nextInt(2); // grey and binary targets
        }
        float[] rowGrad = {1f / rows, -0.5f, 2f};
        float[] g = new float[l.length];
        BernoulliKernels.gradient(s, x, rowGrad, cols, g, 0, rows);
        for (int i = 0; i < rows; i++) {
            assertEquals(nllInDouble(l, x, i * cols, cols), nll(l, s, x, i * cols, cols),
                    1e-7 * scale(l, x, i * cols, cols), "row " + i); // the float rounding of s is the only error left
            for (int k = i * cols; k < (i + 1) * cols; k++) {
                assertEquals(rowGrad[i] * (sigmoid(l[k]) - x[k]), g[k], 1e-6 * Math.abs(rowGrad[i]), "gradient " + k);
            }
        }
    }

    @Test
    void longRowsDoNotUnderflowTheProduct() {
        // l = 0: each pixel costs log 2 whatever x is; 5,000 factors of 1/2 would underflow one double product
        int n = 5_000;
        float[] l = new float[n];
        float[] s = new float[n];
        Arrays.fill(s, 0.5f);
        float[] x = new float[n];
        Arrays.fill(x, 0, n / 2, 1f);
        assertEquals(n * Math.log(2), nll(l, s, x, 0, n), 1e-9);
    }

    /** s = 1/2 + tanh(l / 2) / 2 as ND4J's ops compute it, with oneDNN's tanh and with libnd4j's own. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void sigmoidOpsEqualTheDefinition(boolean onednn) {
        Assumptions.assumeTrue(!onednn || NativeBuild.onednnLoaded(), "oneDNN's tanh needs a oneDNN build");
        INDArray l = Nd4j.linspace(-60.0, 60.0, 3000, DataType.FLOAT).reshape(3, 1000);
        INDArray s = l.ulike();
        for (Object op : BernoulliKernels.sigmoidOps(l, s, onednn)) {
            if (op instanceof CustomOp c) {
                Nd4j.exec(c);
            } else {
                Nd4j.exec((Op) op);
            }
        }
        assertSigmoid(l, s);
    }

    /**
     * oneDNN's logistic primitive, called directly: present with the CPU backend (the build's oneDNN bindings must
     * load, else every kernel falls back to the slower ops), equal to the definition, in place as well.
     */
    @Test
    void onednnLogisticLoadsAndEqualsTheDefinition() {
        Assumptions.assumeTrue(HostKernels.hostMemory(), "the CPU backend");
        assertTrue(Logistic.available(), "oneDNN's logistic: " + Logistic.unavailableReason());
        INDArray l = Nd4j.linspace(-90.0, 90.0, 5001, DataType.FLOAT);
        INDArray s = l.ulike();
        try (Logistic sig = Logistic.of(l, s)) {
            assertNotNull(sig);
            sig.run();
        }
        assertSigmoid(l, s);
        INDArray inPlace = l.dup();
        try (Logistic sig = Logistic.of(inPlace, inPlace)) {
            sig.run();
        }
        assertSigmoid(l, inPlace);
        assertNull(Logistic.of(l.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 11)), s),
                "a view is not dense: no primitive, the ops run instead");
        assertNull(Logistic.of(l.castTo(DataType.DOUBLE), s.castTo(DataType.DOUBLE)), "DOUBLE: the ops run");
    }

    /**
     * The scoring kernel (the sigmoid, then the Java pass over the rows) row by row against the definition in
     * double, logits far out included.
     */
    @Test
    void scoringKernelEqualsTheDefinitionRowByRow() {
        Assumptions.assumeTrue(HostKernels.hostMemory(), "host kernels run on the CPU backend");
        int rows = 517;
        int cols = 61;
        SplittableRandom r = new SplittableRandom(5);
        float[] l = new float[rows * cols];
        float[] x = new float[l.length];
        for (int k = 0; k < l.length; k++) {
            l[k] = (float) (k % 89 == 0 ? r.nextDouble(-100, 100) : r.nextDouble(-10, 10));
            x[k] = k % 2 == 0 ? (float) r.nextDouble() : r.nextInt(2);
        }
        INDArray logits = Nd4j.create(l, new long[] {rows, cols}, DataType.FLOAT);
        INDArray target = Nd4j.create(x, new long[] {rows, cols}, DataType.FLOAT);
        INDArray out = Nd4j.create(DataType.FLOAT, rows);
        List<INDArray> scratch = new ArrayList<>();
        List<Step> steps = BernoulliKernels.scoring().build(new INDArray[] {logits, target}, out, scratch);
        try {
            for (Step step : steps) {
                if (step instanceof Step.Host h) {
                    h.body().run();
                } else if (((Step.Op) step).op() instanceof CustomOp c) {
                    Nd4j.exec(c);
                } else {
                    Nd4j.exec((Op) ((Step.Op) step).op());
                }
            }
            float[] nll = out.data().asFloat();
            for (int i = 0; i < rows; i++) {
                double want = nllInDouble(l, x, i * cols, cols);
                // float's rounding of s and of the result
                assertEquals(want, nll[i], 1e-6 * scale(l, x, i * cols, cols) + 1e-7 * Math.abs(want), "row " + i);
            }
        } finally {
            for (Step step : steps) {
                if (step instanceof Step.Host h && h.body() instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
    }

    /** The kernel's NLL of elements [from, from + n), copied to the start of row buffers as the kernels do. */
    private static double nll(float[] l, float[] s, float[] x, int from, int n) {
        return BernoulliKernels.nll(Arrays.copyOfRange(l, from, from + n), Arrays.copyOfRange(s, from, from + n),
                Arrays.copyOfRange(x, from, from + n), n, new float[n], new float[n]);
    }

    private static double sigmoid(double l) {
        return 1 / (1 + Math.exp(-l));
    }

    private static double nllInDouble(float[] l, float[] x, int from, int n) {
        double sum = 0;
        for (int k = from; k < from + n; k++) {
            sum += Math.max(l[k], 0.0) - (double) l[k] * x[k] + Math.log1p(Math.exp(-Math.abs(l[k])));
        }
        return sum;
    }

    /** The sum of the terms' magnitudes: what a relative error is relative to. */
    private static double scale(float[] l, float[] x, int from, int n) {
        double sum = 0;
        for (int k = from; k < from + n; k++) {
            sum += Math.abs(Math.max(l[k], 0.0) - (double) l[k] * x[k] + Math.log1p(Math.exp(-Math.abs(l[k]))));
        }
        return sum;
    }

    private static void assertSigmoid(INDArray l, INDArray s) {
        float[] lv = l.data().asFloat();
        float[] sv = s.data().asFloat();
        for (int k = 0; k < lv.length; k++) {
            assertEquals(sigmoid(lv[k]), sv[k], 2e-7, "l = " + lv[k]);
        }
    }
}
