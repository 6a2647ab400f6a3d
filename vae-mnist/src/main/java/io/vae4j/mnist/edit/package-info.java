/**
 * What a trained model can do to images beyond generating them: measure attributes of digit images, move them
 * along latent directions (latent arithmetic, the digit analogy), and denoise corrupted images, each with the
 * figures that show it works.
 */
package io.vae4j.mnist.edit;
