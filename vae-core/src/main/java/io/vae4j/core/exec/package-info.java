/**
 * Direct execution of SameDiff functions: {@link io.vae4j.core.exec.GraphCompiler} compiles a function for fixed
 * input shapes, applying its rewrite rules (one class each) and the caller's fused kernels, into a
 * {@link io.vae4j.core.exec.CompiledGraph} whose steps run with their arrays bound, without SameDiff's per-call
 * planning and allocation. The trainer and the evaluators both run on it.
 */
package io.vae4j.core.exec;
