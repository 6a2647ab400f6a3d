/**
 * A training run on MNIST: its data settings, the per-epoch outputs (metrics, pictures, checkpoint), progress
 * display, and the scores computed from a run (ROC AUC).
 */
package io.vae4j.mnist.run;
