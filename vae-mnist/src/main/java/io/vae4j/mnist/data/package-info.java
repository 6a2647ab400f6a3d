/**
 * MNIST data: the IDX reader, the in-memory splits, a seeded batch iterator with optional binarization, and the
 * fetcher that downloads and verifies the four files when they are missing.
 */
package io.vae4j.mnist.data;
