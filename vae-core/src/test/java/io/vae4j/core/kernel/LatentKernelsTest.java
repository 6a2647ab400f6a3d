package io.vae4j.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The latent layer's Java passes against the definitions computed in double: the sample, the KL as the divergence
 * of N(mu, sigma^2) from N(0, 1) summed over units (0.5 (sigma^2 + mu^2 - 1 - log sigma^2)), and both gradients as
 * central finite differences of dz . z + dKL KL in double.
 */
class LatentKernelsTest {
    private static final int ROWS = 4;
    private static final int WIDTH = 7;

    @Test
    void passesEqualTheDefinitions() {
        SplittableRandom r = new SplittableRandom(3);
        int n = ROWS * WIDTH;
        float[] mu = new float[n];
        float[] logvar = new float[n];
        float[] eps = new float[n];
        float[] dz = new float[n];
        float[] dkl = {0.25f, -1.5f, 0f, 3f};
        for (int k = 0; k < n; k++) {
            mu[k] = (float) r.nextDouble(-3, 3);
            logvar[k] = (float) r.nextDouble(-8, 4);
            eps[k] = (float) r.nextGaussian();
            dz[k] = (float) r.nextDouble(-1, 1);
        }
        float[] z = new float[n];
        LatentKernels.sample(mu, logvar, eps, z);
        float[] kl = new float[ROWS];
        LatentKernels.kl(mu, logvar, kl);
        float[] dmu = new float[n];
        LatentKernels.muGradient(dz, dkl, mu, dmu);
        float[] dlogvar = new float[n];
        LatentKernels.logvarGradient(dz, dkl, logvar, eps, dlogvar);

        for (int i = 0; i < ROWS; i++) {
            double want = 0;
            for (int k = i * WIDTH; k < (i + 1) * WIDTH; k++) {
                double var = Math.exp(logvar[k]);
                want += 0.5 * (var + (double) mu[k] * mu[k] - 1 - logvar[k]);
                double sample = mu[k] + Math.sqrt(var) * eps[k];
                assertEquals(sample, z[k], 1e-6 * Math.max(1, Math.abs(sample)), "z " + k);
                double h = 1e-6;
                double gMu = (objective(mu[k] + h, logvar[k], eps[k], dz[k], dkl[i])
                        - objective(mu[k] - h, logvar[k], eps[k], dz[k], dkl[i])) / (2 * h);
                double gLogvar = (objective(mu[k], logvar[k] + h, eps[k], dz[k], dkl[i])
                        - objective(mu[k], logvar[k] - h, eps[k], dz[k], dkl[i])) / (2 * h);
                assertEquals(gMu, dmu[k], 1e-5 * Math.max(1, Math.abs(gMu)), "dmu " + k);
                assertEquals(gLogvar, dlogvar[k], 1e-5 * Math.max(1, Math.abs(gLogvar)), "dlogvar " + k);
            }
            assertEquals(want, kl[i], 1e-6 * Math.max(1, want), "KL row " + i);
        }
    }

    /** The part of dz . z + dKL KL that depends on unit k, in double, for finite differences. */
    private static double objective(double mu, double logvar, double eps, double dz, double dkl) {
        double z = mu + Math.exp(logvar / 2) * eps;
        double kl = -0.5 * (1 + logvar - mu * mu - Math.exp(logvar));
        return dz * z + dkl * kl;
    }
}
