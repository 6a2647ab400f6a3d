package io.vae4j.mnist.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The four MNIST files of a data directory, plain or gzipped, read and cross-checked into two splits. */
public final class MnistFiles {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    public static final List<String> NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private MnistFiles() {
    }

    /** The file for a name in dir: the plain one if present, else the .gz one, else null. */
    public static Path find(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.exists(plain)) {
            return plain;
        }
        Path gz = dir.resolve(name + ".gz");
        return Files.exists(gz) ? gz : null;
    }

    /** Whether all four files are present (plain or gzipped). */
    public static boolean present(Path dir) {
        return NAMES.stream().allMatch(n -> find(dir, n) != null);
    }

    public static MnistSplit train(Path dir) throws IdxFormatException {
        return load(dir, "train", TRAIN_IMAGES, TRAIN_LABELS);
    }

    public static MnistSplit test(Path dir) throws IdxFormatException {
        return load(dir, "test", TEST_IMAGES, TEST_LABELS);
    }

    private static MnistSplit load(Path dir, String split, String imagesName, String labelsName)
            throws IdxFormatException {
        Path imagesFile = require(dir, imagesName);
        Path labelsFile = require(dir, labelsName);
        IdxReader.IdxArray images = IdxReader.read(imagesFile, 3);
        IdxReader.IdxArray labels = IdxReader.read(labelsFile, 1);
        if (images.count() != labels.count()) {
            throw new IdxFormatException(labelsFile, "has " + labels.count() + " labels but " + imagesFile
                    + " has " + images.count() + " images; the two files must come from the same data set");
        }
        if (images.count() == 0) {
            throw new IdxFormatException(imagesFile, "holds no images");
        }
        byte[] l = labels.data();
        for (int i = 0; i < l.length; i++) {
            if ((l[i] & 0xff) >= MnistSplit.CLASSES) {
                throw new IdxFormatException(labelsFile, "label " + i + " is " + (l[i] & 0xff)
                        + ", expected a digit 0-9");
            }
        }
        return new MnistSplit(split, images.data(), l, images.count(), images.dims()[1], images.dims()[2]);
    }

    private static Path require(Path dir, String name) throws IdxFormatException {
        Path f = find(dir, name);
        if (f == null) {
            throw new IdxFormatException(dir.resolve(name), "missing (also looked for " + name + ".gz)");
        }
        return f;
    }
}
