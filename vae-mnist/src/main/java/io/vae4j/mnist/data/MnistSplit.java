package io.vae4j.mnist.data;

import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * One split of MNIST (or any IDX image set of the same layout) in memory: pixels as unsigned bytes, one row per
 * image, and a label per image. Kept as bytes (47 MB for the training set instead of 188 MB of floats); batches
 * are converted to floats in [0, 1] as they are drawn.
 *
 * @param name   "train" or "test", for messages
 * @param pixels count * rows * cols unsigned bytes
 * @param labels count labels in [0, 9]
 */
public record MnistSplit(String name, byte[] pixels, byte[] labels, int count, int rows, int cols) {
    public static final int CLASSES = 10;

    public MnistSplit {
        if ((long) count * rows * cols != pixels.length || labels.length != count) {
            throw new IllegalArgumentException(name + ": " + count + " images of " + rows + "x" + cols + " need "
                    + (long) count * rows * cols + " pixels and " + count + " labels, got " + pixels.length + " and "
                    + labels.length);
        }
    }

    /** Pixels per image. */
    public int imageSize() {
        return rows * cols;
    }

    public int label(int i) {
        return labels[i] & 0xff;
    }

    /** Pixel j of image i in [0, 1]. */
    public float pixel(int i, int j) {
        return (pixels[i * imageSize() + j] & 0xff) / 255f;
    }

    /** The images at the given indices as [n, rows*cols] floats in [0, 1]. */
    public org.nd4j.linalg.api.ndarray.INDArray features(int... indices) {
        int size = imageSize();
        float[] out = new float[indices.length * size];
        for (int r = 0; r < indices.length; r++) {
            if (indices[r] < 0 || indices[r] >= count) {
                throw new IllegalArgumentException("image index " + indices[r] + " is outside the " + count + " "
                        + name + " images");
            }
            for (int j = 0; j < size; j++) {
                out[r * size + j] = (pixels[indices[r] * size + j] & 0xff) / 255f;
            }
        }
        return org.nd4j.linalg.factory.Nd4j.create(out, new long[] {indices.length, size},
                org.nd4j.linalg.api.buffer.DataType.FLOAT);
    }

    /**
     * A model's inputs for the images at the given indices: their pixels ({@link #features}), followed for a
     * conditional model ({@code labels}) by their one-hot labels, [n, rows*cols (+ 10)].
     */
    public org.nd4j.linalg.api.ndarray.INDArray inputs(boolean labels, int... indices) {
        org.nd4j.linalg.api.ndarray.INDArray x = features(indices);
        if (!labels) {
            return x;
        }
        org.nd4j.linalg.api.ndarray.INDArray out = org.nd4j.linalg.factory.Nd4j.create(
                org.nd4j.linalg.api.buffer.DataType.FLOAT, indices.length, imageSize() + CLASSES);
        out.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, imageSize())).assign(x);
        for (int r = 0; r < indices.length; r++) {
            out.putScalar(r, imageSize() + label(indices[r]), 1f);
        }
        return out;
    }

    /** The labels of the images at the given indices. */
    public int[] labelsOf(int... indices) {
        int[] out = new int[indices.length];
        for (int r = 0; r < indices.length; r++) {
            out[r] = label(indices[r]);
        }
        return out;
    }

    /** The first n images (or all, if n is larger or not positive). */
    public MnistSplit limit(int n) {
        if (n <= 0 || n >= count) {
            return this;
        }
        byte[] p = java.util.Arrays.copyOf(pixels, n * imageSize());
        byte[] l = java.util.Arrays.copyOf(labels, n);
        return new MnistSplit(name, p, l, n, rows, cols);
    }

    /** The images whose label satisfies the predicate, in their original order. */
    public MnistSplit filter(IntPredicate keepLabel) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (keepLabel.test(label(i))) {
                n++;
            }
        }
        byte[] p = new byte[n * imageSize()];
        byte[] l = new byte[n];
        int k = 0;
        for (int i = 0; i < count; i++) {
            if (keepLabel.test(label(i))) {
                System.arraycopy(pixels, i * imageSize(), p, k * imageSize(), imageSize());
                l[k++] = labels[i];
            }
        }
        return new MnistSplit(name, p, l, n, rows, cols);
    }

    /**
     * Static binarization: every pixel replaced once by a Bernoulli draw with its intensity as probability
     * (0 or 255), from a generator seeded with {@code seed}, so the binarized set is the same on every run.
     */
    public MnistSplit binarized(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] p = new byte[pixels.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = rnd.nextDouble() * 255 < (pixels[i] & 0xff) ? (byte) 255 : 0;
        }
        return new MnistSplit(name, p, labels, count, rows, cols);
    }
}
