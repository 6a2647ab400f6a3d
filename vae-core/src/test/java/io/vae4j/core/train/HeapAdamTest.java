package io.vae4j.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Java Adam step equals libnd4j's {@code adam_updater} followed by the parameter update, the op it replaces,
 * over several steps with moments that start non-zero (as after a resume) and a step count that does not start
 * at 0; in DOUBLE to 1e-13 and in FLOAT to float rounding.
 */
class HeapAdamTest {
    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void equalsNd4jAdamUpdaterAndUpdate(String type) {
        DataType dt = DataType.valueOf(type);
        int n = 2 * HeapAdam.CHUNK + 7; // more than one chunk
        Nd4j.getRandom().setSeed(3);
        INDArray p = Nd4j.randn(dt, n);
        INDArray m = Nd4j.randn(dt, n).muli(0.01);
        INDArray v = Nd4j.rand(dt, n).muli(1e-4);
        // half the parameters start with no moments and get tiny gradients, where epsilon's place matters
        v.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n / 2)).assign(0);
        m.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n / 2)).assign(0);
        INDArray g = Nd4j.create(dt, n);
        INDArray pRef = p.dup();
        INDArray mRef = m.dup();
        INDArray vRef = v.dup();
        double lr = 1e-3;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8 / 128;
        HeapAdam heap = HeapAdam.of(p, g, m, v);
        heap.load();
        for (int t = 5; t < 9; t++) {
            INDArray grad = Nd4j.randn(dt, n).muli(t % 2 == 0 ? 1e-3 : 1);
            grad.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n / 2)).muli(1e-7);
            g.assign(grad);
            heap.step(lr, b1, b2, eps, t);
            INDArray update = grad.dup();
            Nd4j.exec(new AdamUpdater(update, vRef, mRef, lr, b1, b2, eps, t));
            pRef.subi(update);
        }
        heap.store();
        double tol = dt == DataType.DOUBLE ? 1e-13 : 2e-6;
        assertClose(pRef, p, tol, "parameters");
        assertClose(mRef, m, tol, "first moment");
        assertClose(vRef, v, tol, "second moment");
    }

    @Test
    void stepSizeIsLibnd4jsBiasCorrection() {
        assertEquals(1e-3 * Math.sqrt(1 - 0.999) / (1 - 0.9), HeapAdam.stepSize(1e-3, 0.9, 0.999, 1e-8, 0), 1e-18);
        assertEquals(1e-3 * Math.sqrt(1 - Math.pow(0.999, 10)) / (1 - Math.pow(0.9, 10)),
                HeapAdam.stepSize(1e-3, 0.9, 0.999, 1e-8, 9), 1e-18);
        // beta1 = 1 makes the correction 0/0: libnd4j falls back to epsilon, and so does this
        assertEquals(1e-8, HeapAdam.stepSize(1e-3, 1.0, 0.999, 1e-8, 0), 0);
    }

    private static void assertClose(INDArray want, INDArray got, double tol, String what) {
        double[] w = want.toDoubleVector();
        double[] h = got.toDoubleVector();
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], h[i], tol * Math.max(1, Math.abs(w[i])), what + "[" + i + "]");
        }
    }
}
