package io.vae4j.core.config;

/** Whether the latent code is stochastic (VAE) or deterministic (plain autoencoder). */
public enum ModelKind {
    /** Variational autoencoder: z = mu + sigma * eps, loss = reconstruction + beta * KL. */
    VAE,
    /** Deterministic autoencoder: z = mu, no log-variance head, no KL term. */
    AE
}
