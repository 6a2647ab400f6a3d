package io.vae4j.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NIO failures read as "path: problem", not as a bare path. */
class IoMessagesTest {
    @TempDir
    Path tmp;

    @Test
    void eachKindOfFailureIsNamed() throws IOException {
        assertEquals("/x/y: no such file or directory", IoMessages.describe(new NoSuchFileException("/x/y")));
        assertEquals("/x: not a directory", IoMessages.describe(new NotDirectoryException("/x")));
        assertEquals("/x: No space left on device",
                IoMessages.describe(new FileSystemException("/x", null, "No space left on device")));
        assertEquals("/x: permission denied (not readable or not writable by this user, or on a read-only file "
                + "system)", IoMessages.describe(new AccessDeniedException("/x")));
        assertEquals("IOException", IoMessages.describe(new IOException()));
        assertEquals("disk on fire", IoMessages.describe(new IOException("disk on fire")));
        // what Files.createDirectories throws for a regular file in the way, described as such
        Path file = Files.writeString(tmp.resolve("runs"), "not a directory");
        FileAlreadyExistsException e = org.junit.jupiter.api.Assertions.assertThrows(
                FileAlreadyExistsException.class, () -> Files.createDirectories(file));
        assertEquals(file + ": is a file, where a directory is needed", IoMessages.describe(e));
    }

    /** A failed atomic write names the file the caller asked for, says why, and leaves no temporary file. */
    @Test
    void aFailedAtomicWriteNamesTheTargetNotTheTemporaryFile() throws IOException {
        Path target = tmp.resolve("metrics.csv");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () ->
                AtomicFiles.write(target, out -> {
                    out.write(new byte[100]);
                    throw new IOException("No space left on device"); // what a channel write throws on ENOSPC
                }));
        assertEquals(target.toAbsolutePath() + ": could not be written (No space left on device)", e.getMessage());
        try (java.util.stream.Stream<Path> left = Files.list(tmp)) {
            assertEquals(0, left.count(), "a temporary file was left");
        }
    }
}
