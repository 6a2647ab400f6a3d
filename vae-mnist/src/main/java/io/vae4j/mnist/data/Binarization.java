package io.vae4j.mnist.data;

/** How grey-level pixels are turned into the model's inputs. */
public enum Binarization {
    /** Intensities in [0, 1], as the PyTorch example trains (the reference protocol). */
    NONE,
    /** A fresh Bernoulli sample of every training pixel each epoch (seeded); the test set is binarized once. */
    DYNAMIC,
    /** One fixed Bernoulli sample of every pixel, training and test, drawn once from the seed. */
    STATIC
}
