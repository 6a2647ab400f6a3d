package io.vae4j.mnist.edit;

import io.vae4j.mnist.data.MnistSplit;

/**
 * The simplest digit classifier there is, independent of any model: each digit's mean training image, and an image
 * is the digit whose mean is nearest (squared Euclidean distance). It measures whether a conditional model draws
 * the digit it was asked for, next to its own accuracy on real test images, which the command reports.
 */
public final class NearestCentroid {
    private final double[][] means;
    private final int size;

    private NearestCentroid(double[][] means, int size) {
        this.means = means;
        this.size = size;
    }

    /** The per-digit mean images of a split; a digit without images never wins. */
    public static NearestCentroid fit(MnistSplit split) {
        int size = split.imageSize();
        double[][] means = new double[MnistSplit.CLASSES][size];
        int[] counts = new int[MnistSplit.CLASSES];
        for (int i = 0; i < split.count(); i++) {
            int label = split.label(i);
            counts[label]++;
            for (int j = 0; j < size; j++) {
                means[label][j] += split.pixel(i, j);
            }
        }
        for (int d = 0; d < MnistSplit.CLASSES; d++) {
            for (int j = 0; j < size; j++) {
                means[d][j] = counts[d] == 0 ? Double.NaN : means[d][j] / counts[d];
            }
        }
        return new NearestCentroid(means, size);
    }

    /** The predicted digit of the image at {@code images[offset .. offset + size)}. */
    public int predict(float[] images, int offset) {
        int best = -1;
        double bestDist = Double.POSITIVE_INFINITY;
        for (int d = 0; d < means.length; d++) {
            double dist = 0;
            for (int j = 0; j < size; j++) {
                double e = images[offset + j] - means[d][j];
                dist += e * e;
            }
            if (dist < bestDist) { // NaN (a digit without images) never compares smaller
                bestDist = dist;
                best = d;
            }
        }
        return best;
    }

    /** The fraction of n images (stored one after another) predicted as their label. */
    public double agreement(float[] images, int[] labels) {
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            hits += predict(images, i * size) == labels[i] ? 1 : 0;
        }
        return labels.length == 0 ? Double.NaN : hits / (double) labels.length;
    }
}
