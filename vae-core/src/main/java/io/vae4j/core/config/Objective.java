package io.vae4j.core.config;

/**
 * What training maximises, estimated with {@link VaeConfig#samples()} draws of z per example (Burda, Grosse and
 * Salakhutdinov, "Importance Weighted Autoencoders", 2016).
 */
public enum Objective {
    /**
     * The evidence lower bound: the reconstruction log-likelihood averaged over the draws, minus the analytic KL
     * (weighted by beta). With one draw, the usual VAE objective.
     */
    ELBO,
    /**
     * The importance-weighted bound log (1/K) sum_k p(x, z_k) / q(z_k | x): tighter than the ELBO for K &gt; 1, and
     * the single-sample ELBO (with the KL estimated from the draw) for K = 1. Needs beta = 1 and no warm-up.
     */
    IWAE
}
