package io.vae4j.core.graph;

import io.vae4j.core.model.Vae;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.testing.TestData;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The graph's KL term against the closed form in double, and against a Monte-Carlo estimate. */
class KlTest {
    private static final VaeConfig CONFIG = VaeConfig.builder().setInputSize(12).setLatentSize(5)
            .optEncoderHidden(java.util.List.of(8)).optSeed(3).build();

    @Test
    void klEqualsClosedFormInDouble() {
        try (Vae vae = Vae.create(CONFIG)) {
            INDArray x = TestData.uniform(16, 12, 1, DataType.FLOAT).muli(6).subi(3); // spread mu and logvar
            Encoding enc = vae.encode(x);
            double[] kl = vae.lossTerms(x, TestData.gaussian(16, 5, 2, DataType.FLOAT)).kl()
                    .castTo(DataType.DOUBLE).toDoubleVector();
            double[][] mu = enc.mu().castTo(DataType.DOUBLE).toDoubleMatrix();
            double[][] logVar = enc.logVar().castTo(DataType.DOUBLE).toDoubleMatrix();
            for (int i = 0; i < 16; i++) {
                double expected = 0;
                for (int j = 0; j < 5; j++) {
                    expected += -0.5 * (1 + logVar[i][j] - mu[i][j] * mu[i][j] - Math.exp(logVar[i][j]));
                }
                assertEquals(expected, kl[i], 1e-5 * Math.abs(expected) + 1e-6, "example " + i);
            }
        }
    }

    /**
     * KL = E_q[log q(z) - log p(z)]. With 10^5 draws in double the estimate's standard error is computed from the
     * draws themselves; the tolerance is 5 standard errors (a false failure about once in 1.7 million runs).
     */
    @Test
    void klAgreesWithMonteCarloEstimate() {
        try (Vae vae = Vae.create(CONFIG)) {
            INDArray x = TestData.uniform(3, 12, 5, DataType.FLOAT);
            Encoding enc = vae.encode(x);
            double[] kl = vae.lossTerms(x, TestData.gaussian(3, 5, 6, DataType.FLOAT)).kl()
                    .castTo(DataType.DOUBLE).toDoubleVector();
            double[][] mu = enc.mu().castTo(DataType.DOUBLE).toDoubleMatrix();
            double[][] logVar = enc.logVar().castTo(DataType.DOUBLE).toDoubleMatrix();
            Random rnd = new Random(7);
            int n = 100_000;
            for (int i = 0; i < 3; i++) {
                double sum = 0;
                double sumSq = 0;
                for (int s = 0; s < n; s++) {
                    double logRatio = 0;
                    for (int j = 0; j < 5; j++) {
                        double eps = rnd.nextGaussian();
                        double z = mu[i][j] + Math.exp(0.5 * logVar[i][j]) * eps;
                        double logQ = -0.5 * (Math.log(2 * Math.PI) + logVar[i][j] + eps * eps);
                        double logP = -0.5 * (Math.log(2 * Math.PI) + z * z);
                        logRatio += logQ - logP;
                    }
                    sum += logRatio;
                    sumSq += logRatio * logRatio;
                }
                double mean = sum / n;
                double se = Math.sqrt((sumSq / n - mean * mean) / n);
                assertTrue(Math.abs(mean - kl[i]) < 5 * se,
                        "example " + i + ": Monte-Carlo " + mean + " +- " + se + " vs graph " + kl[i]);
            }
        }
    }
}
