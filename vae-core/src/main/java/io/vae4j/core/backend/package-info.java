/**
 * Which ND4J backend and native build this JVM runs on, and what ND4J does at start-up. ND4J chooses one backend per
 * JVM; code that reports or benchmarks results reads the choice from here instead of assuming it.
 */
package io.vae4j.core.backend;
