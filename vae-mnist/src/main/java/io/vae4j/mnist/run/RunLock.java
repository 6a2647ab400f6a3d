package io.vae4j.mnist.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A run directory's lock: {@code .lock}, holding the owning process id, locked with the operating system's file
 * lock. The OS releases it when the process ends, however it ends, so a lock file left by a crash is stale and
 * simply taken over; a second run into a directory in use is refused.
 */
public final class RunLock implements AutoCloseable {
    static final String FILE = ".lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code runDir} (created if missing).
     *
     * @throws IOException saying which process holds it if another run uses the directory
     */
    public static RunLock acquire(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        Path file = runDir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process
        }
        if (lock == null) {
            channel.close();
            throw inUse(runDir, file);
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
        channel.force(false);
        return new RunLock(file, channel, lock);
    }

    /**
     * Fails as {@link #acquire} would if another run holds {@code runDir}, without taking the lock or touching the
     * directory: for commands that read a run directory before they train in it.
     */
    public static void requireFree(Path runDir) throws IOException {
        Path file = runDir.resolve(FILE);
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw inUse(runDir, file);
            }
            lock.release();
        }
    }

    private static IOException inUse(Path runDir, Path file) {
        String owner;
        try {
            owner = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            owner = "";
        }
        return new IOException(runDir + " is in use by another run" + (owner.isEmpty() ? "" : " (process " + owner
                + ")") + "; wait for it to finish, or choose another --out");
    }

    /** Releases the lock and removes the lock file. */
    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file);
        } finally {
            lock.release();
            channel.close();
        }
    }
}
