/**
 * The {@code vae} command line: one picocli command per task (train, evaluate, sample, reconstruct, interpolate,
 * latent, anomaly, compare, report), sharing data and model options through mixins.
 */
package io.vae4j.mnist.cli;
