/**
 * Training progress: the listener interface that sees each step and epoch, and the per-epoch summary.
 * Training itself: {@link io.vae4j.core.train.Trainer}, which runs SameDiff's gradient function as a compiled step.
 */
package io.vae4j.core.train;
