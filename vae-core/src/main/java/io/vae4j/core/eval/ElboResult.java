package io.vae4j.core.eval;

/**
 * The negative ELBO of a data set, in nats per example: reconstruction NLL, KL, and their sum (with beta = 1,
 * the true bound, whatever beta the model was trained with).
 *
 * @param negElbo        mean of (reconstruction + KL)
 * @param reconstruction mean of -log p(x|z) at one z ~ q(z|x) per example
 * @param kl             mean of KL(q(z|x) || p(z)); 0 for an autoencoder
 * @param examples       number of examples
 */
public record ElboResult(double negElbo, double reconstruction, double kl, long examples) {
}
