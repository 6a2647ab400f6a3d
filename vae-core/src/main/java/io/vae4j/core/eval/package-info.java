/**
 * Evaluation results and the numerics behind them: the -ELBO decomposition and the importance-weighted
 * log-likelihood estimate with a stable, streaming log-sum-exp.
 */
package io.vae4j.core.eval;
