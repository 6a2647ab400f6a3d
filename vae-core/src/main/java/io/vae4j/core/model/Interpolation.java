package io.vae4j.core.model;

/** How to walk between two latent codes. */
public enum Interpolation {
    /** Straight line (1 - t) a + t b. */
    LINEAR,
    /**
     * Great-circle interpolation (slerp) of the two codes; it keeps intermediate codes at a norm typical of
     * a Gaussian prior instead of cutting through the low-density centre.
     */
    SPHERICAL
}
