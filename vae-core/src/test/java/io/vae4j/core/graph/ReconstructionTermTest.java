package io.vae4j.core.graph;

import io.vae4j.core.model.Vae;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.config.Likelihood;
import io.vae4j.core.config.VaeConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The reconstruction NLL against double-precision references. The decoder is reduced to one linear unit with
 * weight 1 and bias 0 (inputSize 1, no hidden layers), so the latent code fed to the decoding branch is the
 * logit itself and every row of the output is one pixel's NLL.
 */
class ReconstructionTermTest {

    private static double[] logits() {
        double[] l = new double[401];
        for (int i = 0; i < l.length; i++) {
            l[i] = -100 + 0.5 * i;
        }
        l[200] = 0.0;
        return l;
    }

    /** -[x log s(l) + (1 - x) log(1 - s(l))], with log s(l) = -log(1 + e^-l) evaluated stably in double. */
    private static double bernoulliReference(double l, double x) {
        double logSig = l >= 0 ? -Math.log1p(Math.exp(-l)) : l - Math.log1p(Math.exp(l));
        double logOneMinusSig = logSig - l;
        return -(x * logSig + (1 - x) * logOneMinusSig);
    }

    private static Vae identityDecoder(Likelihood likelihood, double variance, DataType dt) {
        VaeConfig c = VaeConfig.builder().setInputSize(1).setLatentSize(1).optEncoderHidden(List.of())
                .optDecoderHidden(List.of()).optLikelihood(likelihood).optGaussianVariance(variance).build();
        Vae vae = Vae.create(c, dt);
        SameDiff sd = vae.graph();
        sd.getVariable("dec_out_W").getArr().assign(1.0);
        sd.getVariable("dec_out_b").getArr().assign(0.0);
        return vae;
    }

    private static double[] nll(Vae vae, double[] z, double[] x, DataType dt) {
        var zArr = Nd4j.createFromArray(z).reshape(z.length, 1).castTo(dt);
        var xArr = Nd4j.createFromArray(x).reshape(x.length, 1).castTo(dt);
        return vae.graph().outputSingle(Map.of(VaeNames.Z_IN, zArr, VaeNames.X_TARGET, xArr), VaeNames.NLL_Z)
                .castTo(DataType.DOUBLE).toDoubleVector();
    }

    @Test
    void bernoulliMatchesDoubleReferenceAcrossLogitRange() {
        double[] l = logits();
        for (double xv : new double[] {0.0, 0.3, 1.0}) {
            double[] x = new double[l.length];
            java.util.Arrays.fill(x, xv);
            try (Vae dbl = identityDecoder(Likelihood.BERNOULLI, 1, DataType.DOUBLE);
                 Vae flt = identityDecoder(Likelihood.BERNOULLI, 1, DataType.FLOAT)) {
                double[] d = nll(dbl, l, x, DataType.DOUBLE);
                double[] f = nll(flt, l, x, DataType.FLOAT);
                for (int i = 0; i < l.length; i++) {
                    double ref = bernoulliReference(l[i], xv);
                    assertEquals(ref, d[i], 1e-12 * Math.max(1, Math.abs(ref)), "double, logit " + l[i] + " x " + xv);
                    assertTrue(Double.isFinite(f[i]), "float gave " + f[i] + " at logit " + l[i] + " x " + xv);
                    assertEquals(ref, f[i], 1e-5 * Math.max(1, Math.abs(ref)), "float, logit " + l[i] + " x " + xv);
                }
            }
        }
    }

    @Test
    void gaussianMatchesClosedForm() {
        double variance = 0.25;
        double[] mean = {-3, -0.5, 0, 0.2, 1, 4};
        double[] x = {0, 0.3, 1, 0.2, -2, 4};
        try (Vae vae = identityDecoder(Likelihood.GAUSSIAN, variance, DataType.DOUBLE)) {
            double[] got = nll(vae, mean, x, DataType.DOUBLE);
            for (int i = 0; i < x.length; i++) {
                double d = x[i] - mean[i];
                double ref = d * d / (2 * variance) + 0.5 * Math.log(2 * Math.PI * variance);
                assertEquals(ref, got[i], 1e-12 * Math.max(1, Math.abs(ref)));
            }
        }
    }
}
