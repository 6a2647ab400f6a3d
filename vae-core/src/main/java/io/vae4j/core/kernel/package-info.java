/**
 * Kernels that replace groups of ND4J ops with fewer passes over the same arrays: the Bernoulli likelihood and its
 * gradient, and the VAE's latent layer (sample, KL and their gradients). Each kernel is a
 * {@link io.vae4j.core.exec.Fused} value of a compiled graph; {@link io.vae4j.core.backend.HostKernels} decides where
 * the ones written in Java run.
 */
package io.vae4j.core.kernel;
