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
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

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

    /**
     * Temporary files are created owner-only (0600); give the result the permissions the file had, or
     * rw-r--r-- for a new file, as a plain write would under the usual umask.
     */
    private static void keepPermissions(Path tmp, Path target) throws IOException {
        if (!tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> perms = Files.exists(target) ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, perms);
    }

    /** Writes {@code target} atomically with the content produced by {@code writer}. */
    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        if (Files.isDirectory(abs)) {
            throw new IOException(abs + " is a directory; give a file name to write to");
        }
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        } catch (IOException e) {
            throw new IOException(abs + ": could not be written (" + IoMessages.describe(e) + ")", e);
        }
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
            keepPermissions(tmp, abs);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } catch (IOException e) {
            // name the file the caller asked for, not the temporary one the failure happened on
            String why = IoMessages.describe(e).replace(tmp + ": ", "").replace(tmp.toString(), "its temporary file");
            throw new IOException(abs + ": could not be written (" + why + ")", e);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
