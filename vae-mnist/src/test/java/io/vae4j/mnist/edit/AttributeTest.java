package io.vae4j.mnist.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The attribute measures against images whose thickness and slant are known in closed form. */
class AttributeTest {
    /** A one-pixel line through rows 4..23 with column c = 14 + k (14 - r): leaning right for k > 0. */
    private static float[] line(int k, float ink) {
        float[] img = new float[28 * 28];
        for (int r = 4; r < 24; r++) {
            img[r * 28 + 14 + k * (14 - r)] = ink;
        }
        return img;
    }

    @Test
    void thicknessIsTheMeanIntensity() {
        assertEquals(20 * 0.5 / 784, Attribute.THICKNESS.measure(line(1, 0.5f), 0, 28, 28), 1e-12);
        assertEquals(0, Attribute.THICKNESS.measure(new float[784], 0, 28, 28), 0);
    }

    @Test
    void slantIsTheShearOfTheSecondMoments() {
        // c - cx = k (cy - r) exactly, so mu11 = -k mu02 and the slant is k, whatever the ink
        assertEquals(1.0, Attribute.SLANT.measure(line(1, 0.3f), 0, 28, 28), 1e-12);
        assertEquals(-1.0, Attribute.SLANT.measure(line(-1, 1f), 0, 28, 28), 1e-12);
        assertEquals(0.0, Attribute.SLANT.measure(line(0, 1f), 0, 28, 28), 1e-12);
        assertEquals(0.0, Attribute.SLANT.measure(new float[784], 0, 28, 28), 0);
        float[] two = new float[2 * 784];
        System.arraycopy(line(-1, 1f), 0, two, 784, 784);
        assertArrayEquals(new double[] {0, -1}, Attribute.SLANT.measureAll(two, 2, 28, 28), 1e-12);
    }

    @Test
    void directionIsTopQuarterMeanMinusBottomQuarterMean() {
        // 8 codes; attribute values order them 0..7, so the quarters are rows {6, 7} and {0, 1}
        double[] values = {0.0, 1, 2, 3, 4, 5, 6, 7};
        double[][] c = new double[8][];
        for (int i = 0; i < 8; i++) {
            c[i] = new double[] {i * i, -i, 3};
        }
        INDArray codes = Nd4j.createFromArray(c).castTo(DataType.DOUBLE);
        INDArray v = LatentArithmetic.direction(codes, values);
        double[] want = {(36 + 49) / 2.0 - (0 + 1) / 2.0, -6.5 + 0.5, 0};
        assertArrayEquals(want, v.toDoubleVector(), 1e-12);
    }
}
