/**
 * Training: {@link io.vae4j.core.train.Trainer} trains a {@link io.vae4j.core.model.Vae} with SameDiff's own gradient
 * compiled into a step per batch size and Adam over one flat parameter vector; the listener interface, the per-epoch
 * summary and the seeds that make a resumed run continue exactly. The model never refers to this package.
 */
package io.vae4j.core.train;
