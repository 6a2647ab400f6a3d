/**
 * The model's configuration: an immutable, validated record with a builder. Every value that changes the graph,
 * the loss or training lives here, so that a saved model can be rebuilt exactly.
 */
package io.vae4j.core.config;
