package io.vae4j.core.config;

/** Network family of encoder and decoder. */
public enum Architecture {
    /** Fully connected layers on the flattened input. */
    MLP,
    /** Strided conv2d encoder and deconv2d decoder; needs an image input shape. */
    CONV
}
