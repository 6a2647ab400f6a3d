/**
 * JMH benchmarks of VAE training and inference, DL4J's built-in VAE layer as a peer, a full-epoch measurement, and
 * the runner that measures each ND4J backend in its own JVM and writes the side-by-side report.
 */
package io.vae4j.bench;
