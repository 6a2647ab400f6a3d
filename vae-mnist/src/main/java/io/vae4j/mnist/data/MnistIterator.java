package io.vae4j.mnist.data;

import io.vae4j.core.train.DirectFeatures;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batches of a {@link MnistSplit}: features [batch, rows*cols] in [0, 1] (or binarized), labels one-hot [batch, 10].
 *
 * <p>Every pass is a function of (seed, epoch) alone: the order is a seeded permutation for that epoch (when
 * shuffling), and dynamic binarization draws each batch's pixels from a generator seeded by (seed, epoch, batch).
 * So a run resumed at epoch e sees exactly the batches the uninterrupted run saw. The first pass is epoch
 * {@code firstEpoch}; each {@link #reset()} after data was drawn moves to the next epoch (a reset before any
 * batch is drawn changes nothing, as training loops reset before every epoch).
 */
public final class MnistIterator implements DataSetIterator, DirectFeatures {
    private static final long serialVersionUID = 1L;
    /** Pixel byte b as the intensity b / 255, as a float. */
    private static final float[] INTENSITY = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            INTENSITY[b] = b / 255f;
        }
    }

    private final MnistSplit split;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final boolean dynamicBinarization;
    private final boolean labelsInFeatures;
    private int epoch;
    private int[] order;
    private int cursor;
    private int batchIndex;
    private transient DataSetPreProcessor preProcessor;

    /**
     * @param split               the images
     * @param batchSize           examples per batch (the last batch of a pass may be smaller)
     * @param seed                seed of shuffling and dynamic binarization
     * @param shuffle             whether each epoch uses its own random order
     * @param dynamicBinarization whether pixels are replaced by fresh Bernoulli draws each epoch
     * @param firstEpoch          the epoch index of the first pass
     */
    public MnistIterator(MnistSplit split, int batchSize, long seed, boolean shuffle, boolean dynamicBinarization,
                         int firstEpoch) {
        this(split, batchSize, seed, shuffle, dynamicBinarization, firstEpoch, false);
    }

    /**
     * As above; with {@code labelsInFeatures}, each feature row is the pixels followed by the one-hot label (the
     * input of a conditional model).
     */
    public MnistIterator(MnistSplit split, int batchSize, long seed, boolean shuffle, boolean dynamicBinarization,
                         int firstEpoch, boolean labelsInFeatures) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.split = split;
        this.batchSize = batchSize;
        this.seed = seed;
        this.shuffle = shuffle;
        this.dynamicBinarization = dynamicBinarization;
        this.labelsInFeatures = labelsInFeatures;
        this.epoch = firstEpoch;
        arrange();
    }

    /** An unshuffled, deterministic pass over the split, for evaluation. */
    public static MnistIterator inOrder(MnistSplit split, int batchSize) {
        return inOrder(split, batchSize, false);
    }

    /** The same, with the one-hot labels after the pixels in each feature row when {@code labelsInFeatures}. */
    public static MnistIterator inOrder(MnistSplit split, int batchSize, boolean labelsInFeatures) {
        return new MnistIterator(split, batchSize, 0, false, false, 0, labelsInFeatures);
    }

    /** Values per feature row: the pixels, and the one-hot label when it is part of the features. */
    private int rowWidth() {
        return split.imageSize() + (labelsInFeatures ? MnistSplit.CLASSES : 0);
    }

    /** The epoch whose order the current pass follows. */
    public int epoch() {
        return epoch;
    }

    private void arrange() {
        order = new int[split.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom rnd = new SplittableRandom(mix(seed, epoch, -1));
            for (int i = order.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        cursor = 0;
        batchIndex = 0;
    }

    private static long mix(long seed, int epoch, int batch) {
        long h = seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)) ^ (0xC2B2AE3D27D4EB4FL * (batch + 2));
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        int n = remaining(num);
        float[] features = new float[n * rowWidth()];
        float[] labels = new float[n * MnistSplit.CLASSES];
        fill(n, features, labels);
        DataSet ds = new DataSet(Nd4j.create(features, new long[] {n, rowWidth()}, DataType.FLOAT),
                Nd4j.create(labels, new long[] {n, MnistSplit.CLASSES}, DataType.FLOAT));
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    /**
     * The next batch's features, exactly those {@link #next()} would return, written into {@code dst}: what the
     * trainer reads, without a DataSet or native arrays per batch. Not with a pre-processor set (it works on
     * DataSets); use {@link #next()} then.
     */
    @Override
    public int nextFeatures(float[] dst) {
        if (preProcessor != null) {
            throw new IllegalStateException("nextFeatures() bypasses the pre-processor; use next()");
        }
        int n = remaining(batchSize);
        if (dst.length < n * rowWidth()) {
            throw new IllegalArgumentException("room for " + dst.length + " values, the batch has "
                    + n * rowWidth());
        }
        fill(n, dst, null);
        return n;
    }

    private int remaining(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("no more batches in epoch " + epoch + "; call reset()");
        }
        return Math.min(num, order.length - cursor);
    }

    /** Writes the next n examples' pixels (and one-hot labels, unless null) and advances the pass. */
    private void fill(int n, float[] features, float[] labels) {
        int size = split.imageSize();
        SplittableRandom binarize = dynamicBinarization ? new SplittableRandom(mix(seed, epoch, batchIndex)) : null;
        byte[] pixels = split.pixels();
        for (int r = 0; r < n; r++) {
            int i = order[cursor + r];
            int base = i * size;
            int out = r * rowWidth();
            if (binarize == null) {
                for (int j = 0; j < size; j++) {
                    features[out + j] = INTENSITY[pixels[base + j] & 0xff];
                }
            } else {
                for (int j = 0; j < size; j++) {
                    features[out + j] = binarize.nextFloat() < INTENSITY[pixels[base + j] & 0xff] ? 1f : 0f;
                }
            }
            if (labels != null) {
                labels[r * MnistSplit.CLASSES + split.label(i)] = 1f;
            }
            if (labelsInFeatures) {
                java.util.Arrays.fill(features, out + size, out + size + MnistSplit.CLASSES, 0f);
                features[out + size + split.label(i)] = 1f;
            }
        }
        cursor += n;
        batchIndex++;
    }

    @Override
    public int inputColumns() {
        return rowWidth();
    }

    @Override
    public int totalOutcomes() {
        return MnistSplit.CLASSES;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public void reset() {
        if (cursor > 0) {
            epoch++;
            arrange();
        }
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    }
}
