package io.vae4j.mnist.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile IDX files: headers that lie about their sizes, and random mutations of valid files, plain and gzipped.
 * Each must either read as a consistent array or fail with {@link IdxFormatException}; any other exception, or an
 * {@code Error} such as OutOfMemoryError from an allocation a header asked for, fails the test. The default suite
 * runs a few seconds of mutations; {@code -Dgroups=fuzz} (tag "fuzz") runs a minute.
 */
class IdxFuzzTest {
    @TempDir
    Path dir;

    /** The headers of the reliability probe's findings, each now one clear error. */
    @Test
    void headersThatLieAreRejectedWithoutAllocating() throws IOException {
        // gzipped, 0x7fffffff x 0x7ffffffe x 0x7ffffffe images: the size overflowed a long
        byte[] huge = header(3, 0x7fffffff, 0x7ffffffe, 0x7ffffffe);
        rejected(write("huge.gz", SyntheticMnist.gzip(huge)), 3, "more values than this reader holds");
        // a 16-byte plain file declaring 2^30 x 2^30 x 16 images read as a success with no data
        rejected(write("overflow", header(3, 1 << 30, 1 << 30, 16)), 3, "more values than this reader holds");
        // a small gzipped labels file declaring 0x7fffffbf labels allocated 2 GiB before saying "truncated"
        rejected(write("labels.gz", SyntheticMnist.gzip(header(1, 0x7fffffbf))), 1, "");
        // and with a gzip trailer forged to agree with the header: memory follows the data that arrives
        byte[] forged = SyntheticMnist.gzip(header(1, 0x7fffffbf));
        ByteBuffer.wrap(forged, forged.length - 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt((int) (8L + 0x7fffffbfL));
        rejected(write("forged.gz", forged), 1, "truncated");
        // random bytes after the gzip data
        byte[] good = SyntheticMnist.gzip(SyntheticMnist.idx(new int[] {5}, new byte[] {1, 2, 3, 4, 5}));
        byte[] trailing = Arrays.copyOf(good, good.length + 7);
        new SplittableRandom(1).nextBytes(trailing);
        System.arraycopy(good, 0, trailing, 0, good.length);
        rejected(write("trailing.gz", trailing), 1, "");
    }

    @Test
    void mutatedFilesReadConsistentlyOrFailWithOneClearError() throws IOException {
        assertEquals(0, fuzz(Long.getLong("vae.fuzz.millis", 3_000)).unexpected);
    }

    @Test
    @Tag("fuzz")
    void mutatedFilesForAMinute() throws IOException {
        assertEquals(0, fuzz(60_000).unexpected);
    }

    private record Outcome(int cases, int read, int rejected, int unexpected) {
    }

    private Outcome fuzz(long millis) throws IOException {
        SplittableRandom rnd = new SplittableRandom(20261122);
        byte[] pixels = new byte[4 * 6 * 6];
        rnd.nextBytes(pixels);
        byte[] images = SyntheticMnist.idx(new int[] {4, 6, 6}, pixels);
        byte[] labels = SyntheticMnist.idx(new int[] {4}, new byte[] {1, 2, 3, 4});
        long end = System.nanoTime() + millis * 1_000_000;
        int cases = 0;
        int read = 0;
        int rejected = 0;
        int unexpected = 0;
        Path f = dir.resolve("fuzz");
        while (System.nanoTime() < end) {
            boolean image = rnd.nextBoolean();
            byte[] base = image ? images : labels;
            byte[] content = mutate(rnd, rnd.nextBoolean() ? base : SyntheticMnist.gzip(base));
            Files.write(f, content);
            cases++;
            try {
                IdxReader.IdxArray a = IdxReader.read(f, image ? 3 : 1);
                long n = 1;
                for (int d : a.dims()) {
                    n *= d;
                }
                assertEquals(n, a.data().length, "dims " + Arrays.toString(a.dims()) + " but data "
                        + a.data().length);
                read++;
            } catch (IdxFormatException e) {
                assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
                rejected++;
            } catch (RuntimeException | Error e) {
                unexpected++;
                fail("case " + cases + ": " + e + " for " + Arrays.toString(Arrays.copyOf(content,
                        Math.min(40, content.length))), e);
            }
        }
        System.out.printf("IDX fuzz: %d cases in %d ms: %d read, %d rejected with IdxFormatException, %d other%n",
                cases, millis, read, rejected, unexpected);
        assertTrue(cases > 100, "only " + cases + " cases");
        return new Outcome(cases, read, rejected, unexpected);
    }

    /** One of: flipped bytes, a header field set to an extreme value, a truncation, appended bytes. */
    private static byte[] mutate(SplittableRandom rnd, byte[] in) {
        byte[] out = in.clone();
        switch (rnd.nextInt(4)) {
            case 0 -> {
                for (int i = rnd.nextInt(1, 4); i > 0; i--) {
                    out[rnd.nextInt(out.length)] ^= (byte) rnd.nextInt(1, 256);
                }
            }
            case 1 -> {
                int at = 4 * rnd.nextInt(0, 4);
                if (at + 4 <= out.length) {
                    int[] extremes = {0, 1, -1, 0x7fffffff, 0x7ffffffe, 1 << 30, 0x7fffffbf, rnd.nextInt()};
                    ByteBuffer.wrap(out, at, 4).putInt(extremes[rnd.nextInt(extremes.length)]);
                }
            }
            case 2 -> out = Arrays.copyOf(out, rnd.nextInt(out.length));
            default -> {
                out = Arrays.copyOf(out, out.length + rnd.nextInt(1, 20));
                for (int i = in.length; i < out.length; i++) {
                    out[i] = (byte) rnd.nextInt(256);
                }
            }
        }
        return out;
    }

    private static byte[] header(int rank, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * rank);
        b.putInt(0x0800 | rank);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.array();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static void rejected(Path file, int rank, String why) {
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(file, rank));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(why), e.getMessage());
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertTrue(after - before < 64L << 20, file.getFileName() + ": the heap grew by " + (after - before) + " bytes");
    }
}
