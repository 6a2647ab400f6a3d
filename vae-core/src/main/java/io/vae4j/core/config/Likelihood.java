package io.vae4j.core.config;

/** The decoder's observation model p(x|z). */
public enum Likelihood {
    /** Independent Bernoulli per pixel on decoder logits; pixel mean = sigmoid(logit). Inputs in [0,1]. */
    BERNOULLI,
    /**
     * Independent Gaussian per pixel with a fixed variance; the decoder output is the mean.
     * The negative log-likelihood is the squared error divided by twice the variance plus a constant.
     */
    GAUSSIAN
}
