package io.vae4j.core.graph;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The two parts of the negative ELBO, per example: the reconstruction NLL -log p(x|z) at the given z, and the
 * analytic KL(q(z|x) || N(0, I)) (zeros for a plain autoencoder). Both are vectors of length batch, in nats.
 */
public record LossTerms(INDArray reconstruction, INDArray kl) {
    /** reconstruction + KL per example, the -ELBO with beta = 1. */
    public INDArray negElbo() {
        return reconstruction.add(kl);
    }
}
