package io.vae4j.mnist.run;

import io.vae4j.mnist.data.Binarization;
import io.vae4j.mnist.data.MnistFetcher;
import io.vae4j.mnist.data.MnistFiles;
import io.vae4j.mnist.data.MnistIterator;
import io.vae4j.mnist.data.MnistSplit;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training and test splits as a run uses them: fetched if missing, limited, digit-filtered and binarized
 * according to its {@link RunSettings}.
 */
public record MnistData(MnistSplit train, MnistSplit test, RunSettings settings, long seed) {
    private static final Logger LOG = LoggerFactory.getLogger(MnistData.class);
    /** Seed of the test set's one fixed binarization, the same for every run so results compare. */
    public static final long TEST_BINARIZATION_SEED = 0x5EED_7E57L;

    /** Loads the data directory, fetching the four files first if any is missing. */
    public static MnistData load(Path dir, RunSettings settings, long seed, MnistFetcher fetcher) throws IOException {
        fetcher.ensure(dir); // logs which source served each file it had to fetch
        LOG.info("MNIST data: {}", dir.toAbsolutePath());
        MnistSplit train = MnistFiles.train(dir);
        MnistSplit test = MnistFiles.test(dir);
        if (train.imageSize() != test.imageSize()) {
            throw new IOException("training images are " + train.rows() + "x" + train.cols() + " but test images are "
                    + test.rows() + "x" + test.cols() + " in " + dir);
        }
        if (settings.excludeDigit() >= 0) {
            int d = settings.excludeDigit();
            train = train.filter(label -> label != d);
        }
        train = train.limit(settings.limit());
        test = test.limit(settings.testLimit());
        if (settings.binarization() == Binarization.STATIC) {
            train = train.binarized(seed);
        }
        if (settings.binarization() != Binarization.NONE) {
            test = test.binarized(TEST_BINARIZATION_SEED);
        }
        return new MnistData(train, test, settings, seed);
    }

    /** Training batches for the epochs from {@code firstEpoch} on, shuffled per epoch. */
    public MnistIterator trainIterator(int batchSize, int firstEpoch) {
        return trainIterator(batchSize, firstEpoch, false);
    }

    /** As above; with {@code labels}, the features carry the one-hot labels (a conditional model's input). */
    public MnistIterator trainIterator(int batchSize, int firstEpoch, boolean labels) {
        return new MnistIterator(train, batchSize, seed, true,
                settings.binarization() == Binarization.DYNAMIC, firstEpoch, labels);
    }

    /** The test split in order. */
    public MnistIterator testIterator(int batchSize) {
        return testIterator(batchSize, false);
    }

    /** The test split in order; with {@code labels}, the features carry the one-hot labels. */
    public MnistIterator testIterator(int batchSize, boolean labels) {
        return MnistIterator.inOrder(test, batchSize, labels);
    }
}
