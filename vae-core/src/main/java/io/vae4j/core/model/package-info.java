/**
 * The model: {@link io.vae4j.core.model.Vae}, its SameDiff graph and the names of the graph's inputs and outputs.
 * Training, evaluation, sampling, interpolation, anomaly scores and importance sampling are methods of the model.
 */
package io.vae4j.core.model;
