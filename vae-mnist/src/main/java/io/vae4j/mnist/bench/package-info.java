/**
 * Benchmark result files: the format the runner of vae-bench writes, and their comparison across machines and
 * backends ({@link io.vae4j.mnist.bench.BenchComparison}).
 */
package io.vae4j.mnist.bench;
