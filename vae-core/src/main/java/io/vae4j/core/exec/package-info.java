/**
 * Direct execution of SameDiff functions: a function compiled for fixed input shapes into ops whose arrays are
 * bound once ({@link io.vae4j.core.exec.CompiledGraph}), without SameDiff's per-call planning and allocation. The
 * trainer and the model's inference both run on it.
 */
package io.vae4j.core.exec;
