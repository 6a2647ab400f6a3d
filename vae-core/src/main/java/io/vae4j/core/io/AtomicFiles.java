package io.vae4j.core.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see either the old content or the complete new one: the bytes go to a temporary
 * file in the same directory, are forced to disk, and the temporary file is then renamed over the target.
 * On any failure the temporary file is deleted.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** What writes the content; it must not close the stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Writes {@code target} atomically with the content produced by {@code writer}. */
    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        if (Files.isDirectory(abs)) {
            throw new IOException(abs + " is a directory; give a file name to write to");
        }
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                BufferedOutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                writer.write(new FilterOutputStream(buffered) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        buffered.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        buffered.flush();
                    }
                });
                buffered.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
