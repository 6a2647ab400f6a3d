/**
 * The model's SameDiff graph: its one architecture description ({@link io.vae4j.core.graph.Layout}), the builder
 * ({@link io.vae4j.core.graph.VaeGraph}), the names of every input, output and parameter
 * ({@link io.vae4j.core.graph.VaeNames}), the shared model state ({@link io.vae4j.core.graph.ModelGraph}), and the
 * checks and helpers for inputs, labels and noise that the trainer and the evaluators both need.
 */
package io.vae4j.core.graph;
