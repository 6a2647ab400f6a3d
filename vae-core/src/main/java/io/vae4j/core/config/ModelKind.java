package io.vae4j.core.config;

/** Whether the latent code is stochastic (VAE, CVAE) or deterministic (plain autoencoder), and conditional. */
public enum ModelKind {
    /** Variational autoencoder: z = mu + sigma * eps, loss = reconstruction + beta * KL. */
    VAE,
    /** Deterministic autoencoder: z = mu, no log-variance head, no KL term. */
    AE,
    /**
     * Conditional VAE: encoder and decoder both receive a one-hot label, q(z|x,y) and p(x|z,y); the loss as for
     * VAE. Its inputs are the pixels followed by the one-hot label, and its decoder's input z followed by the label.
     */
    CVAE
}
