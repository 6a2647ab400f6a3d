package io.vae4j.mnist.data;

import io.vae4j.core.io.AtomicFiles;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes unsigned-byte IDX files (the MNIST format {@link IdxReader} reads): magic 0x00000800 plus the number of
 * dimensions, each dimension as a big-endian int, then the bytes. Atomically: a temporary file moved into place.
 */
public final class IdxWriter {
    private IdxWriter() {
    }

    /**
     * @param dims the dimensions (e.g. count, rows, cols for images; count for labels)
     * @param data their product of bytes, row-major
     */
    public static void write(Path file, int[] dims, byte[] data) throws IOException {
        long n = 1;
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("IDX dimensions must be >= 1, got "
                        + java.util.Arrays.toString(dims));
            }
            n *= d;
        }
        if (dims.length < 1 || dims.length > 255 || n != data.length) {
            throw new IllegalArgumentException("IDX dimensions " + java.util.Arrays.toString(dims) + " need " + n
                    + " bytes, got " + data.length);
        }
        AtomicFiles.write(file, out -> {
            DataOutputStream d = new DataOutputStream(out);
            d.writeInt(0x0800 | dims.length);
            for (int dim : dims) {
                d.writeInt(dim);
            }
            d.write(data);
            d.flush();
        });
    }

    /**
     * The label file that goes with an image file: MNIST's naming ("...-images-idx3-ubyte" becomes
     * "...-labels-idx1-ubyte"), else the image file's name followed by "-labels-idx1-ubyte".
     */
    public static Path labelsCompanion(Path images) {
        String name = images.getFileName().toString();
        String companion = name.contains("images-idx3") ? name.replace("images-idx3", "labels-idx1")
                : name + "-labels-idx1-ubyte";
        return images.resolveSibling(companion);
    }
}
