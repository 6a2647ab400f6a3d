package io.vae4j.core.graph;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder's output for a batch: posterior means and log-variances, each [batch, latentSize].
 * For a plain autoencoder the code is deterministic and {@code logVar} is null.
 */
public record Encoding(INDArray mu, INDArray logVar) {
}
