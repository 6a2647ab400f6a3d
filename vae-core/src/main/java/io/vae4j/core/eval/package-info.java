/**
 * Evaluation: a model's forward computations run as compiled graphs ({@link io.vae4j.core.eval.Inference},
 * {@link io.vae4j.core.eval.Forward}), the -ELBO of a data set and anomaly scores
 * ({@link io.vae4j.core.eval.Evaluator}), and the importance-weighted log-likelihood estimate
 * ({@link io.vae4j.core.eval.ImportanceSampler}) with a stable, streaming log-sum-exp.
 */
package io.vae4j.core.eval;
