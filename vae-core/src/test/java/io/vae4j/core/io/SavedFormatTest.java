package io.vae4j.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vae4j.core.config.Activation;
import io.vae4j.core.config.Likelihood;
import io.vae4j.core.model.Vae;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model file written by version 0.1.0 (format 1: a 6-2 VAE with one hidden layer of 4, trained one epoch) is kept
 * in test resources. It must keep loading, and its decoder must compute what a hand-written double-precision
 * forward pass over the stored weights computes. A change to the file format or the graph breaks this test.
 */
class SavedFormatTest {
    @Test
    void modelOfFormatOneStillLoadsAndDecodes() throws IOException {
        try (Vae vae = Vae.load(Path.of("src/test/resources/models/tiny-format1.vae"))) {
            assertEquals(6, vae.config().inputSize());
            assertEquals(2, vae.config().latentSize());
            assertEquals(List.of(4), vae.config().decoderHidden());
            assertEquals(Activation.RELU, vae.config().activation());
            assertEquals(Likelihood.BERNOULLI, vae.config().likelihood());
            assertEquals(1, vae.epochsDone());
            SameDiff sd = vae.graph();
            double[][] w0 = sd.getVariable("dec_dense0_W").getArr().castTo(DataType.DOUBLE).toDoubleMatrix();
            double[] b0 = sd.getVariable("dec_dense0_b").getArr().castTo(DataType.DOUBLE).toDoubleVector();
            double[][] w1 = sd.getVariable("dec_out_W").getArr().castTo(DataType.DOUBLE).toDoubleMatrix();
            double[] b1 = sd.getVariable("dec_out_b").getArr().castTo(DataType.DOUBLE).toDoubleVector();
            double[][] z = {{0.3, -1.2}, {2.0, 0.5}, {-0.7, 0.0}};
            double[][] got = vae.decode(Nd4j.createFromArray(z).castTo(DataType.FLOAT)).castTo(DataType.DOUBLE)
                    .toDoubleMatrix();
            for (int r = 0; r < z.length; r++) {
                double[] h = new double[4];
                for (int j = 0; j < 4; j++) {
                    double s = b0[j];
                    for (int i = 0; i < 2; i++) {
                        s += z[r][i] * w0[i][j];
                    }
                    h[j] = Math.max(0, s);
                }
                for (int k = 0; k < 6; k++) {
                    double s = b1[k];
                    for (int j = 0; j < 4; j++) {
                        s += h[j] * w1[j][k];
                    }
                    assertEquals(1 / (1 + Math.exp(-s)), got[r][k], 1e-6, "row " + r + " pixel " + k);
                }
            }
        }
    }
}
