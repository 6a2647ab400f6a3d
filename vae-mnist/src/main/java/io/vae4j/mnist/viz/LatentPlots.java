package io.vae4j.mnist.viz;

import io.vae4j.core.model.Interpolation;
import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.MnistSplit;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Pictures of a model's latent space: scatter of codes, decoded manifold, interpolation strips. */
public final class LatentPlots {
    private LatentPlots() {
    }

    /** Posterior means of the first n images of a split, [n, latentSize] in double. */
    public static double[][] means(Vae vae, MnistSplit split, int n) {
        int count = Math.min(n, split.count());
        double[][] out = new double[count][];
        int batch = 1000;
        for (int start = 0; start < count; start += batch) {
            int end = Math.min(count, start + batch);
            int[] idx = java.util.stream.IntStream.range(start, end).toArray();
            double[][] mu = vae.encode(split.inputs(vae.config().conditional(), idx)).mu().castTo(DataType.DOUBLE).toDoubleMatrix();
            System.arraycopy(mu, 0, out, start, mu.length);
        }
        return out;
    }

    /** Scatter of the posterior means coloured by digit, PCA-projected when the latent space is larger than 2-D. */
    public static BufferedImage scatter(Vae vae, MnistSplit split, int n, String title) {
        double[][] mu = means(vae, split, n);
        int[] labels = new int[mu.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = split.label(i);
        }
        int l = vae.config().latentSize();
        if (l == 1) {
            double[][] padded = new double[mu.length][2];
            for (int i = 0; i < mu.length; i++) {
                padded[i][0] = mu[i][0];
            }
            return Charts.scatter(title, "z1", "", padded, labels);
        }
        boolean pca = l > 2;
        return Charts.scatter(title + (pca ? " (PCA of " + l + "-D means)" : ""), pca ? "PC1" : "z1",
                pca ? "PC2" : "z2", Pca.project(mu, 2), labels);
    }

    /**
     * For a 2-D latent space: images decoded on a size x size grid of z whose coordinates are standard-normal
     * quantiles from 0.05 to 0.95, so the grid covers the prior's mass evenly (Kingma and Welling, Fig. 4).
     */
    public static BufferedImage manifold(Vae vae, int size, int rows, int cols) {
        NormalDistribution normal = new NormalDistribution();
        double[][] z = new double[size * size][2];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                double qy = normal.inverseCumulativeProbability(0.95 - 0.9 * i / (size - 1));
                double qx = normal.inverseCumulativeProbability(0.05 + 0.9 * j / (size - 1));
                z[i * size + j] = new double[] {qx, qy};
            }
        }
        INDArray images = vae.decode(Nd4j.createFromArray(z).castTo(vae.dataType()));
        return ImageGrid.grid(images, rows, cols, size, 1);
    }

    /** Interpolation strips for pairs of test images, one strip per pair. */
    public static List<BufferedImage> strips(Vae vae, MnistSplit split, int[][] pairs, int steps,
                                             Interpolation mode) {
        List<BufferedImage> out = new ArrayList<>();
        for (int[] p : pairs) {
            boolean labels = vae.config().conditional();
            INDArray strip = vae.interpolate(split.inputs(labels, p[0]), split.inputs(labels, p[1]), steps, mode);
            out.add(ImageGrid.grid(strip, split.rows(), split.cols(), steps, 2));
        }
        return out;
    }
}
