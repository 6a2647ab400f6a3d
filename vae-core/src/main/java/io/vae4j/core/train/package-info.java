/**
 * Training progress: the listener interface that sees each step and epoch, and the per-epoch summary.
 * The training loop itself is {@link io.vae4j.core.model.Vae#fit}.
 */
package io.vae4j.core.train;
