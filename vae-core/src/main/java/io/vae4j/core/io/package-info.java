/**
 * Model persistence: the model file format (a zip of JSON metadata and the SameDiff graph with optimizer state),
 * atomic file writes, and the errors that name the file when reading fails.
 */
package io.vae4j.core.io;
