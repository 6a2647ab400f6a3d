package io.vae4j.core.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The trainer's direct batch copy and loss read-back against ND4J's own reading of the same arrays. */
class InputsTest {
    @Test
    void copyCheckedWritesTheValuesInEachType() {
        float[] src = new float[13];
        for (int i = 0; i < src.length; i++) {
            src[i] = (float) Math.sin(i) / 3;
        }
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE, DataType.HALF}) {
            INDArray dst = Nd4j.create(dt, 2, 6);
            Inputs.copyChecked(src, 12, dst, "batch");
            double[] got = dst.reshape(-1).toDoubleVector();
            for (int i = 0; i < 12; i++) {
                assertEquals(src[i], got[i], dt == DataType.HALF ? 1e-3 : 0, dt + " [" + i + "]");
            }
        }
    }

    @Test
    void copyCheckedNamesTheNonFiniteValue() {
        float[] src = new float[12];
        src[7] = Float.NaN;
        INDArray dst = Nd4j.create(DataType.FLOAT, 2, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Inputs.copyChecked(src, 12, dst, "training batch 4"));
        assertEquals("training batch 4 contains NaN or infinite values (example 1, value 1: NaN)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Inputs.copyChecked(src, 11, dst, "batch"));
        assertThrows(IllegalArgumentException.class,
                () -> Inputs.copyChecked(src, 6, Nd4j.create(DataType.FLOAT, 2, 6).getRow(0), "a view"));
    }

    @Test
    void sumEqualsNd4jsSum() {
        Nd4j.getRandom().setSeed(1);
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = Nd4j.randn(dt, 128);
            assertEquals(a.castTo(DataType.DOUBLE).sumNumber().doubleValue(), Inputs.sum(a), 1e-12, dt.toString());
        }
        INDArray view = Nd4j.randn(DataType.FLOAT, 4, 5).getColumn(2);
        assertTrue(view.isView());
        assertEquals(view.sumNumber().doubleValue(), Inputs.sum(view), 1e-6);
        assertArrayEquals(new long[] {4}, view.shape());
    }
}
