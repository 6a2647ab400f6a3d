/**
 * Pictures: image grids written with javax.imageio, charts (loss curves, latent scatter) drawn with XChart, and
 * the PCA projection used to show latent spaces of more than two dimensions.
 */
package io.vae4j.mnist.viz;
