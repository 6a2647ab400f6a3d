/**
 * Which ND4J backend this JVM runs on. ND4J chooses one backend per JVM at start-up; code that reports or
 * benchmarks results reads the choice from here instead of assuming it.
 */
package io.vae4j.core.backend;
