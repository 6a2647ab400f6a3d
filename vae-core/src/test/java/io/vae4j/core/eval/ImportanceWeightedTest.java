package io.vae4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.config.Likelihood;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.graph.Encoding;
import io.vae4j.core.model.Vae;
import io.vae4j.core.testing.TestData;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The importance-weighted estimate on a model whose likelihood is known exactly: a linear decoder x = zW + b with
 * Gaussian noise of variance v and z ~ N(0, I) makes p(x) = N(b, W^T W + vI), and the ELBO of any Gaussian q has a
 * closed form. Both references are computed here in double precision.
 */
class ImportanceWeightedTest {
    private static final int D = 4;
    private static final int L = 2;
    private static final double V = 0.5;

    private static Vae linearGaussian() {
        VaeConfig c = VaeConfig.builder().setInputSize(D).setLatentSize(L).optEncoderHidden(List.of())
                .optDecoderHidden(List.of()).optLikelihood(Likelihood.GAUSSIAN).optGaussianVariance(V)
                .optSeed(23).build();
        Vae vae = Vae.create(c, DataType.DOUBLE);
        // A decoder with weights of order 1, so the posterior differs clearly from the prior.
        vae.graph().getVariable("dec_out_W").getArr().assign(Nd4j.createFromArray(new double[][] {
                {1.2, -0.4, 0.7, 0.0}, {0.3, 0.9, -0.8, 1.1}}));
        vae.graph().getVariable("dec_out_b").getArr().assign(Nd4j.createFromArray(0.1, -0.2, 0.3, 0.0));
        return vae;
    }

    /**
     * Sets the linear encoder to the exact posterior mean m = (x - b) W^T S / v, S = (I + W W^T / v)^-1, and to a
     * variance of twice the posterior's marginal variance: a good but deliberately imperfect proposal.
     */
    private static void nearPosteriorEncoder(Vae vae) {
        double[][] w = w(vae);
        double[] b = b(vae);
        double[][] p = new double[L][L];
        for (int i = 0; i < L; i++) {
            for (int j = 0; j < L; j++) {
                double s = i == j ? 1 : 0;
                for (int d = 0; d < D; d++) {
                    s += w[i][d] * w[j][d] / V;
                }
                p[i][j] = s;
            }
        }
        double det = p[0][0] * p[1][1] - p[0][1] * p[1][0];
        double[][] s = {{p[1][1] / det, -p[0][1] / det}, {-p[1][0] / det, p[0][0] / det}};
        double[][] a = new double[D][L];
        double[] c = new double[L];
        for (int d = 0; d < D; d++) {
            for (int l = 0; l < L; l++) {
                for (int k = 0; k < L; k++) {
                    a[d][l] += w[k][d] * s[k][l] / V;
                }
                c[l] -= b[d] * a[d][l];
            }
        }
        vae.graph().getVariable("enc_mu_W").getArr().assign(Nd4j.createFromArray(a));
        vae.graph().getVariable("enc_mu_b").getArr().assign(Nd4j.createFromArray(c));
        vae.graph().getVariable("enc_logvar_W").getArr().assign(0);
        vae.graph().getVariable("enc_logvar_b").getArr().assign(
                Nd4j.createFromArray(Math.log(2 * s[0][0]), Math.log(2 * s[1][1])));
    }

    private static double[][] w(Vae vae) {
        return vae.graph().getVariable("dec_out_W").getArr().toDoubleMatrix();
    }

    private static double[] b(Vae vae) {
        return vae.graph().getVariable("dec_out_b").getArr().toDoubleVector();
    }

    /** log N(x; b, W^T W + vI) via a hand-written Cholesky factorisation. */
    private static double exactLogLikelihood(double[] x, double[][] w, double[] b) {
        double[][] cov = new double[D][D];
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < D; j++) {
                double s = i == j ? V : 0;
                for (int l = 0; l < L; l++) {
                    s += w[l][i] * w[l][j];
                }
                cov[i][j] = s;
            }
        }
        double[][] chol = new double[D][D];
        for (int i = 0; i < D; i++) {
            for (int j = 0; j <= i; j++) {
                double s = cov[i][j];
                for (int k = 0; k < j; k++) {
                    s -= chol[i][k] * chol[j][k];
                }
                chol[i][j] = i == j ? Math.sqrt(s) : s / chol[j][j];
            }
        }
        double[] y = new double[D]; // solve chol y = x - b
        double logDet = 0;
        for (int i = 0; i < D; i++) {
            double s = x[i] - b[i];
            for (int k = 0; k < i; k++) {
                s -= chol[i][k] * y[k];
            }
            y[i] = s / chol[i][i];
            logDet += 2 * Math.log(chol[i][i]);
        }
        double quad = 0;
        for (double v : y) {
            quad += v * v;
        }
        return -0.5 * (D * Math.log(2 * Math.PI) + logDet + quad);
    }

    /** ELBO = E_q[log p(x|z)] - KL(q || p) for q = N(mu, diag(exp(logVar))), in closed form. */
    private static double exactElbo(double[] x, double[] mu, double[] logVar, double[][] w, double[] b) {
        double expectedSq = 0;
        for (int i = 0; i < D; i++) {
            double mean = b[i];
            double spread = 0;
            for (int l = 0; l < L; l++) {
                mean += mu[l] * w[l][i];
                spread += Math.exp(logVar[l]) * w[l][i] * w[l][i];
            }
            expectedSq += (x[i] - mean) * (x[i] - mean) + spread;
        }
        double expectedLogLik = -0.5 * D * Math.log(2 * Math.PI * V) - expectedSq / (2 * V);
        double kl = 0;
        for (int l = 0; l < L; l++) {
            kl += -0.5 * (1 + logVar[l] - mu[l] * mu[l] - Math.exp(logVar[l]));
        }
        return expectedLogLik - kl;
    }

    private static INDArray inputs() {
        return TestData.gaussian(6, D, 31, DataType.DOUBLE);
    }

    /**
     * With a near-posterior proposal the ELBO is 0.1+ nats below log p(x). Eight independent estimates with k = 5000
     * (two chunks of decoder rows per example) must centre on the exact value: their mean within 5 standard errors
     * (from their own spread) plus 0.002 nats for the estimator's small downward bias, and their spread well under
     * the ELBO gap, so the estimate has really closed it.
     */
    @Test
    void largeKApproachesTheExactLogLikelihood() {
        try (Vae vae = linearGaussian()) {
            nearPosteriorEncoder(vae);
            INDArray x = inputs();
            double[][] xs = x.toDoubleMatrix();
            int runs = 8;
            double[][] estimates = new double[runs][];
            for (int r = 0; r < runs; r++) {
                estimates[r] = vae.importanceWeightedLogLikelihood(x, 5000, 100 + r);
            }
            Encoding enc = vae.encode(x);
            double[][] mu = enc.mu().toDoubleMatrix();
            double[][] logVar = enc.logVar().toDoubleMatrix();
            for (int i = 0; i < xs.length; i++) {
                double exact = exactLogLikelihood(xs[i], w(vae), b(vae));
                double elbo = exactElbo(xs[i], mu[i], logVar[i], w(vae), b(vae));
                double mean = 0;
                for (double[] e : estimates) {
                    mean += e[i] / runs;
                }
                double var = 0;
                for (double[] e : estimates) {
                    var += (e[i] - mean) * (e[i] - mean) / (runs - 1);
                }
                double sd = Math.sqrt(var);
                assertTrue(elbo < exact - 0.1, "example " + i + ": the ELBO " + elbo + " should be well below log p(x) "
                        + exact + " for the test to mean anything");
                assertTrue(sd < (exact - elbo) / 5, "example " + i + ": spread " + sd + " vs gap " + (exact - elbo));
                assertEquals(exact, mean, 5 * sd / Math.sqrt(runs) + 0.002, "example " + i + " (ELBO " + elbo
                        + ", spread " + sd + ")");
            }
        }
    }

    /**
     * k = 1: log w = log p(x|z) + log p(z) - log q(z|x) with one z, whose expectation is the ELBO. 20,000 independent
     * estimates per example (the example repeated), mean within 5 standard errors of the closed-form ELBO.
     */
    @Test
    void kEqualsOneMatchesTheElboInExpectation() {
        try (Vae vae = linearGaussian()) {
            INDArray x = inputs().getRows(0, 1);
            Encoding enc = vae.encode(x);
            int reps = 20_000;
            for (int i = 0; i < 2; i++) {
                double[] xi = x.getRow(i).toDoubleVector();
                double elbo = exactElbo(xi, enc.mu().getRow(i).toDoubleVector(),
                        enc.logVar().getRow(i).toDoubleVector(), w(vae), b(vae));
                double[] est = vae.importanceWeightedLogLikelihood(x.getRow(i, true).repeat(0, reps), 1, 40 + i);
                double mean = 0;
                for (double e : est) {
                    mean += e;
                }
                mean /= reps;
                double var = 0;
                for (double e : est) {
                    var += (e - mean) * (e - mean);
                }
                double se = Math.sqrt(var / (reps - 1) / reps);
                assertEquals(elbo, mean, 5 * se, "example " + i);
                // the model's own -ELBO, averaged over the same number of noise draws, agrees as well
                double[] scores = vae.anomalyScores(x.getRow(i, true), 2000);
                assertEquals(-elbo, scores[0], 0.1, "anomaly score (-ELBO) of example " + i);
            }
        }
    }

    /** The estimate rises with k (within noise) towards log p(x), and never exceeds it by more than the noise. */
    @Test
    void estimateDoesNotDecreaseAsKGrows() {
        try (Vae vae = linearGaussian()) {
            INDArray x = inputs();
            double previous = Double.NEGATIVE_INFINITY;
            double exact = 0;
            for (double[] xi : x.toDoubleMatrix()) {
                exact += exactLogLikelihood(xi, w(vae), b(vae));
            }
            for (int k : new int[] {1, 10, 100, 1000}) {
                double mean = 0;
                for (double e : vae.importanceWeightedLogLikelihood(x.repeat(0, 50), k, 7 + k)) {
                    mean += e;
                }
                mean /= 50;
                assertTrue(mean >= previous - 0.01, "k=" + k + ": " + mean + " after " + previous);
                assertTrue(mean <= exact + 0.02, "k=" + k + ": " + mean + " above log p(x) " + exact);
                previous = mean;
            }
        }
    }

    @Test
    void neverNaNOnExtremeInputsOfAnUntrainedBernoulliModel() {
        VaeConfig c = VaeConfig.builder().setInputSize(30).setLatentSize(3).optEncoderHidden(List.of(10)).build();
        try (Vae vae = Vae.create(c)) {
            INDArray x = Nd4j.vstack(Nd4j.zeros(DataType.FLOAT, 1, 30), Nd4j.ones(DataType.FLOAT, 1, 30),
                    TestData.uniform(3, 30, 2, DataType.FLOAT));
            for (int k : new int[] {1, 7, 5000}) {
                for (double v : vae.importanceWeightedLogLikelihood(x, k, 3)) {
                    assertTrue(Double.isFinite(v) && v < 0, "k=" + k + " gave " + v);
                }
            }
        }
    }

    @Test
    void logSumExpIsStable() {
        LogSumExp acc = new LogSumExp();
        for (double v : new double[] {-1000, -1001, -999.5, Double.NEGATIVE_INFINITY}) {
            acc.add(v);
        }
        double m = -999.5;
        double expected = m + Math.log(Math.exp(-1000 - m) + Math.exp(-1001 - m) + 1) - Math.log(4);
        assertEquals(expected, acc.logMean(), 1e-12);
        LogSumExp big = new LogSumExp();
        big.add(800);
        big.add(800);
        assertEquals(800 + Math.log(2), big.logSum(), 1e-12);
    }
}
