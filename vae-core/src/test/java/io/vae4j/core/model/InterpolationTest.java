package io.vae4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.testing.TestData;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class InterpolationTest {

    @Test
    void linearAndSphericalPathsMatchTheirFormulas() {
        INDArray a = Nd4j.createFromArray(new double[][] {{3, 0}});
        INDArray b = Nd4j.createFromArray(new double[][] {{0, 2}});
        INDArray lin = Vae.latentPath(a, b, 5, Interpolation.LINEAR);
        assertArrayEquals(new double[] {1.5, 1.0}, lin.getRow(2).toDoubleVector(), 1e-12);
        INDArray slerp = Vae.latentPath(a, b, 3, Interpolation.SPHERICAL);
        // angle 90 degrees: the midpoint is (a + b) sin(45) / sin(90)
        double s = Math.sin(Math.PI / 4);
        assertArrayEquals(new double[] {3 * s, 2 * s}, slerp.getRow(1).toDoubleVector(), 1e-12);
        assertArrayEquals(a.toDoubleVector(), slerp.getRow(0).toDoubleVector(), 1e-12);
        assertArrayEquals(b.toDoubleVector(), slerp.getRow(2).toDoubleVector(), 1e-12);
        // parallel codes: slerp falls back to the straight line
        INDArray par = Vae.latentPath(a, a.mul(2), 3, Interpolation.SPHERICAL);
        assertArrayEquals(new double[] {4.5, 0}, par.getRow(1).toDoubleVector(), 1e-9);
    }

    @Test
    void interpolationEndsAtTheReconstructionsOfBothInputs() {
        VaeConfig c = VaeConfig.builder().setInputSize(16).setLatentSize(3).optEncoderHidden(List.of(8)).build();
        try (Vae vae = Vae.create(c)) {
            INDArray x = TestData.uniform(2, 16, 1, DataType.FLOAT);
            INDArray path = vae.interpolate(x.getRow(0, true), x.getRow(1, true), 7, Interpolation.SPHERICAL);
            assertEquals(7, path.size(0));
            INDArray rec = vae.reconstruct(x);
            assertArrayEquals(rec.getRow(0).toFloatVector(), path.getRow(0).toFloatVector(), 1e-5f);
            assertArrayEquals(rec.getRow(1).toFloatVector(), path.getRow(6).toFloatVector(), 1e-5f);
        }
    }

    @Test
    void samplesAreReproducibleFromTheSeed() {
        VaeConfig c = VaeConfig.builder().setInputSize(16).setLatentSize(3).optEncoderHidden(List.of(8)).build();
        try (Vae vae = Vae.create(c)) {
            INDArray s1 = vae.sample(4, 99);
            assertArrayEquals(s1.reshape(-1).toFloatVector(), vae.sample(4, 99).reshape(-1).toFloatVector(), 0f);
            assertEquals(false, s1.equalsWithEps(vae.sample(4, 100), 1e-6));
            double min = s1.minNumber().doubleValue();
            double max = s1.maxNumber().doubleValue();
            assertEquals(true, min > 0 && max < 1, "Bernoulli means are probabilities: " + min + " .. " + max);
        }
    }
}
