/**
 * Workarounds for Deeplearning4j / ND4J 1.0.0-M2.1: reflection into SameDiff's internals, output it prints, ops
 * that misbehave. The lowest package of vae-core; an ND4J upgrade starts here.
 */
package io.vae4j.core.compat;
