package io.vae4j.mnist.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files of unsigned bytes (the MNIST format), plain or gzipped (recognised by content, not by name).
 * Checks the magic number, the number of dimensions, and that the data is exactly as long as the header says.
 *
 * <p>A header that lies cannot make it allocate more than the file holds: the size arithmetic is checked for
 * overflow, a plain file's length is compared with the header before anything is allocated, a gzipped file's
 * recorded uncompressed size (its last four bytes) too, and the data of a gzipped file is read in growing blocks,
 * so memory follows what has actually arrived. Bytes after the gzip data are rejected.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {
    }

    /** An IDX array of unsigned bytes: its dimensions and its data in row-major order. */
    public record IdxArray(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }
    }

    /**
     * Reads {@code file}, which must hold an unsigned-byte IDX array with {@code expectedDims} dimensions.
     *
     * @throws IdxFormatException naming the file if it is missing, a directory, not IDX, of the wrong rank, or
     *                            shorter or longer than its header says
     */
    public static IdxArray read(Path file, int expectedDims) throws IdxFormatException {
        if (Files.isDirectory(file)) {
            throw new IdxFormatException(file, "is a directory, expected an IDX file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IdxFormatException(file, "no such file");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            long size = Files.size(file);
            try (DataInputStream in = new DataInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw)) {
                return readIdx(file, in, expectedDims, gzip ? -1 : size, gzip ? gzipRecordedSize(file, size) : -1);
            }
        } catch (IdxFormatException e) {
            throw e;
        } catch (EOFException | ZipException e) {
            throw new IdxFormatException(file, "is truncated or not a valid gzip file (" + e.getMessage()
                    + "); delete it and fetch the data again", e);
        } catch (IOException e) {
            throw new IdxFormatException(file, "could not be read: " + e.getMessage(), e);
        }
    }

    /** A gzip file's ISIZE: the uncompressed size modulo 2^32, stored in its last four bytes (little-endian). */
    private static long gzipRecordedSize(Path file, long size) throws IOException {
        if (size < 18) { // a 10-byte header and an 8-byte trailer at least
            throw new EOFException("shorter than a gzip header and trailer");
        }
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.position(size - 4);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // read the four bytes
            }
            return Integer.toUnsignedLong(b.flip().getInt());
        }
    }

    private static IdxArray readIdx(Path file, DataInputStream in, int expectedDims, long fileSize, long gzipSize)
            throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(file, "is empty or shorter than an IDX header; delete it and fetch the data "
                    + "again");
        }
        int type = (magic >>> 8) & 0xff;
        int rank = magic & 0xff;
        if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE) {
            throw new IdxFormatException(file, String.format("bad magic number 0x%08x, expected 0x%08x "
                    + "(an IDX file of unsigned bytes with %d dimensions); is this an MNIST file?",
                    magic, (UNSIGNED_BYTE << 8) | expectedDims, expectedDims));
        }
        if (rank != expectedDims) {
            throw new IdxFormatException(file, "has " + rank + " dimensions, expected " + expectedDims
                    + " (images have 3, labels 1); are the image and label files swapped?");
        }
        int[] dims = new int[rank];
        long length = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readInt();
            if (dims[i] < 0) {
                throw new IdxFormatException(file, "has a negative dimension " + dims[i] + " in its header "
                        + "(read as unsigned: " + Integer.toUnsignedLong(dims[i]) + "); it is not an MNIST file");
            }
            // each factor is < 2^31 and length stays <= 2^31 here, so the product cannot overflow a long
            length *= dims[i];
            if (length > Integer.MAX_VALUE - 64) {
                throw new IdxFormatException(file, "header " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                        + (i + 1 < rank ? "..." : "") + " declares more values than this reader holds (at most "
                        + (Integer.MAX_VALUE - 64) + "); it is not an MNIST file");
            }
        }
        long expectedSize = 4 + 4L * rank + length;
        if (fileSize >= 0 && fileSize != expectedSize) {
            throw new IdxFormatException(file, "is " + fileSize + " bytes but its header " + Arrays.toString(dims)
                    + " needs exactly " + expectedSize + (fileSize < expectedSize ? " (truncated)" : " (extra bytes)")
                    + "; delete it and fetch the data again");
        }
        if (gzipSize >= 0 && gzipSize != (expectedSize & 0xffffffffL)) {
            throw new IdxFormatException(file, "is a gzip file whose recorded uncompressed size (" + gzipSize
                    + " bytes) is not the " + expectedSize + " its header " + Arrays.toString(dims) + " needs: it is "
                    + "truncated, has bytes after the gzip data, or its header is wrong; delete it and fetch the "
                    + "data again");
        }
        byte[] data = fileSize >= 0 ? new byte[(int) length] : new byte[(int) Math.min(length, 1 << 20)];
        int filled = 0;
        try {
            while (filled < length) {
                if (filled == data.length) { // a gzip file: grow only as data arrives
                    data = Arrays.copyOf(data, (int) Math.min(length, 2L * data.length));
                }
                int n = in.read(data, filled, data.length - filled);
                if (n < 0) {
                    throw new EOFException();
                }
                filled += n;
            }
        } catch (EOFException e) {
            throw new IdxFormatException(file, "is truncated: its header " + Arrays.toString(dims) + " declares "
                    + length + " values but the data ends after " + filled + "; delete it and fetch the data again");
        }
        if (fileSize < 0 && in.read() != -1) {
            throw new IdxFormatException(file, "has extra bytes after the " + length + " values its header "
                    + Arrays.toString(dims) + " declares");
        }
        return new IdxArray(dims, data);
    }
}
