package io.vae4j.core.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.config.Objective;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.model.Vae;
import io.vae4j.core.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The importance-weighted objective against its definition (Burda et al. 2016, eq. 8), computed here in double
 * from the model's own encoder and decoder, and its one-draw case against the ELBO.
 */
class ImportanceWeightedObjectiveTest {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private static VaeConfig config(Objective objective, int k) {
        return VaeConfig.builder().setInputSize(8).setLatentSize(3).optEncoderHidden(List.of(6)).optSeed(13)
                .optBatchSize(40_000).optObjective(objective, k).build();
    }

    /** log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x), each density written out, against the graph's bound. */
    @Test
    void boundIsTheLogMeanOfTheImportanceWeights() {
        for (int k : new int[] {1, 5}) {
            try (Vae vae = Vae.create(config(Objective.IWAE, k), DataType.DOUBLE)) {
                int n = 3;
                int l = 3;
                INDArray x = TestData.uniform(n, 8, 4, DataType.DOUBLE);
                INDArray eps = TestData.gaussian(k * n, l, 5, DataType.DOUBLE);
                double[] graph = vae.graph().outputSingle(Map.of(VaeNames.X, x, VaeNames.EPS_K, eps),
                        VaeNames.NEG_BOUND_EPS_K).toDoubleVector();
                Encoding q = vae.encode(x);
                for (int i = 0; i < n; i++) {
                    double[] logW = new double[k];
                    for (int draw = 0; draw < k; draw++) {
                        double[] z = new double[l];
                        double logP = 0;
                        double logQ = 0;
                        for (int j = 0; j < l; j++) {
                            double mu = q.mu().getDouble(i, j);
                            double logVar = q.logVar().getDouble(i, j);
                            double e = eps.getDouble(draw * n + i, j);
                            z[j] = mu + Math.exp(logVar / 2) * e;
                            logP += -0.5 * (LOG_2PI + z[j] * z[j]);
                            // the density of z under N(mu, exp(logVar)), from z itself
                            double d = z[j] - mu;
                            logQ += -0.5 * (LOG_2PI + logVar + d * d / Math.exp(logVar));
                        }
                        double[] means = vae.decode(Nd4j.createFromArray(new double[][] {z})).toDoubleVector();
                        double logLik = 0;
                        for (int p = 0; p < 8; p++) {
                            double v = x.getDouble(i, p);
                            logLik += v * Math.log(means[p]) + (1 - v) * Math.log(1 - means[p]);
                        }
                        logW[draw] = logLik + logP - logQ;
                    }
                    double max = java.util.Arrays.stream(logW).max().orElseThrow();
                    double sum = 0;
                    for (double w : logW) {
                        sum += Math.exp(w - max);
                    }
                    double bound = max + Math.log(sum / k);
                    assertEquals(-bound, graph[i], 1e-9, "K = " + k + ", example " + i);
                }
            }
        }
    }

    /**
     * With one draw the importance-weighted objective is the ELBO estimated with that draw, KL included: the decoder's
     * gradient is the ELBO's exactly (the log-density ratio does not involve the decoder), and the encoder's equals
     * it in expectation, here over 40,000 draws for one image (the analytic KL's gradient is the mean of the sampled
     * one's; each draw's deviation from it has a standard deviation of about sigma, near 1 at initialisation, so
     * the mean's is about 1 / sqrt(40,000) = 0.005).
     */
    @Test
    void withOneDrawTheGradientIsTheElbos() {
        int n = 40_000;
        try (Vae iwae = Vae.create(config(Objective.IWAE, 1), DataType.DOUBLE);
                Vae elbo = Vae.create(config(Objective.ELBO, 1), DataType.DOUBLE)) {
            INDArray one = TestData.uniform(1, 8, 9, DataType.DOUBLE);
            INDArray x = one.repeat(0, n);
            INDArray eps = TestData.gaussian(n, 3, 10, DataType.DOUBLE);
            Map<String, INDArray> gi = gradients(iwae.graph(), Map.of(VaeNames.X, x, VaeNames.EPS_K, eps),
                    VaeNames.LOSS_EPS_K);
            Map<String, INDArray> ge = gradients(elbo.graph(), Map.of(VaeNames.X, x, VaeNames.EPS, eps),
                    VaeNames.LOSS_EPS);
            int encoderChecked = 0;
            for (Map.Entry<String, INDArray> e : ge.entrySet()) {
                INDArray want = e.getValue();
                INDArray got = gi.get(e.getKey());
                double scale = Math.max(1e-3, want.amaxNumber().doubleValue());
                double diff = want.sub(got).amaxNumber().doubleValue();
                if (e.getKey().startsWith(VaeNames.DEC_DENSE) || e.getKey().startsWith(VaeNames.DEC_OUT)) {
                    assertTrue(diff <= 1e-10 * scale, e.getKey() + ": decoder gradients differ by " + diff);
                } else {
                    // five standard errors of the mean over n draws
                    assertTrue(diff <= 5 / Math.sqrt(n) * Math.max(1, scale), e.getKey() + ": encoder gradient "
                            + want + " vs " + got);
                    encoderChecked++;
                }
            }
            assertTrue(encoderChecked >= 6, "the encoder's parameters were compared");
        }
    }

    /** The bound tightens with K: for the same model and image, the mean over many draws rises from K = 1 to 10. */
    @Test
    void moreDrawsGiveATighterBound() {
        double[] bounds = new double[2];
        int[] ks = {1, 10};
        for (int c = 0; c < 2; c++) {
            try (Vae vae = Vae.create(config(Objective.IWAE, ks[c]), DataType.DOUBLE)) {
                int n = 500;
                INDArray x = TestData.uniform(1, 8, 9, DataType.DOUBLE).repeat(0, n);
                INDArray eps = TestData.gaussian(ks[c] * n, 3, 11, DataType.DOUBLE);
                bounds[c] = -vae.graph().outputSingle(Map.of(VaeNames.X, x, VaeNames.EPS_K, eps),
                        VaeNames.NEG_BOUND_EPS_K).meanNumber().doubleValue();
            }
        }
        assertTrue(bounds[1] > bounds[0], "K = 10 gives " + bounds[1] + ", K = 1 gives " + bounds[0]);
    }

    private static Map<String, INDArray> gradients(SameDiff sd, Map<String, INDArray> feed, String loss) {
        sd.setLossVariables(loss);
        List<String> params = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                params.add(v.name());
            }
        }
        return sd.calculateGradients(feed, params);
    }
}
