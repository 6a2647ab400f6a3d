package io.vae4j.core.config;

/** Hidden-layer nonlinearity of encoder and decoder. */
public enum Activation {
    RELU, LEAKY_RELU, ELU, TANH, SIGMOID, SOFTPLUS
}
