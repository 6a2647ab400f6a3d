/**
 * Export of a trained model to standard DL4J networks saved with {@code ModelSerializer}, so that a program with
 * only deeplearning4j-nn and an ND4J backend on its class path can load the encoder and decoder.
 */
package io.vae4j.core.export;
