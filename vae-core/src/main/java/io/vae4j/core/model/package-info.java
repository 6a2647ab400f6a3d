/**
 * The model: {@link io.vae4j.core.model.Vae}, the facade a user holds: create or load, encode, decode, sample,
 * interpolate, evaluate, score and save. It builds on the graph, evaluation and file packages and never refers to
 * the trainer, which trains it from above.
 */
package io.vae4j.core.model;
