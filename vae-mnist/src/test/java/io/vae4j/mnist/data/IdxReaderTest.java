package io.vae4j.mnist.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainAndGzippedFilesIdentically() throws IOException {
        byte[] data = new byte[2 * 3 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 10);
        }
        byte[] idx = SyntheticMnist.idx(new int[] {2, 3, 4}, data);
        Files.write(dir.resolve("a"), idx);
        Files.write(dir.resolve("a.gz"), SyntheticMnist.gzip(idx));
        for (String f : new String[] {"a", "a.gz"}) {
            IdxReader.IdxArray arr = IdxReader.read(dir.resolve(f), 3);
            assertArrayEquals(new int[] {2, 3, 4}, arr.dims());
            assertArrayEquals(data, arr.data());
        }
    }

    @Test
    void splitScalesPixelsToUnitIntervalAndKeepsLabels() throws IOException {
        SyntheticMnist.write(dir, 20, 10, 1, true);
        MnistSplit train = MnistFiles.train(dir);
        assertEquals(20, train.count());
        assertEquals(784, train.imageSize());
        byte[][] raw = SyntheticMnist.split(20, 1);
        for (int i = 0; i < 20; i++) {
            assertEquals(raw[1][8 + i], (byte) train.label(i));
        }
        int j = 100;
        assertEquals((raw[0][16 + 3 * 784 + j] & 0xff) / 255f, train.pixel(3, j), 0f);
    }

    @Test
    void badFilesAreRejectedNamingTheFile() throws IOException {
        byte[] good = SyntheticMnist.idx(new int[] {4, 28, 28}, new byte[4 * 784]);
        expect(write("magic", withMagic(good, 0x00000903)), "bad magic number");
        expect(write("rank", SyntheticMnist.idx(new int[] {4, 784}, new byte[4 * 784])), "has 2 dimensions");
        expect(write("short", Arrays.copyOf(good, good.length - 100)), "truncated");
        expect(write("long", Arrays.copyOf(good, good.length + 3)), "extra bytes");
        expect(write("gzshort.gz", Arrays.copyOf(SyntheticMnist.gzip(good), 40)), "truncated");
        expect(write("empty", new byte[0]), "shorter than an IDX header");
        Files.createDirectory(dir.resolve("adir"));
        expect(dir.resolve("adir"), "is a directory");
        expect(dir.resolve("nothing"), "no such file");
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        SyntheticMnist.write(dir, 12, 6, 2, false);
        Files.write(dir.resolve(MnistFiles.TRAIN_LABELS), SyntheticMnist.idx(new int[] {11}, new byte[11]));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> MnistFiles.train(dir));
        assertTrue(e.getMessage().contains(MnistFiles.TRAIN_LABELS) && e.getMessage().contains("11 labels")
                && e.getMessage().contains("12 images"), e.getMessage());
    }

    @Test
    void labelsOutsideDigitsAreRejected() throws IOException {
        SyntheticMnist.write(dir, 3, 3, 2, false);
        Files.write(dir.resolve(MnistFiles.TEST_LABELS), SyntheticMnist.idx(new int[] {3}, new byte[] {1, 12, 3}));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> MnistFiles.test(dir));
        assertTrue(e.getMessage().contains("label 1 is 12"), e.getMessage());
    }

    private Path write(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f;
    }

    private static byte[] withMagic(byte[] idx, int magic) {
        byte[] copy = idx.clone();
        copy[0] = (byte) (magic >>> 24);
        copy[1] = (byte) (magic >>> 16);
        copy[2] = (byte) (magic >>> 8);
        copy[3] = (byte) magic;
        return copy;
    }

    private static void expect(Path file, String fragment) {
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file, 3));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
