package io.vae4j.core.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * One readable line for an I/O failure. NIO's exceptions carry only a path as their message ("/vae/runs"), which
 * says neither what failed nor why; this names the path and the problem.
 */
public final class IoMessages {
    private IoMessages() {
    }

    /** "PATH: what went wrong", or the exception's own message where it already says more. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            String what;
            if (e instanceof NoSuchFileException) {
                what = "no such file or directory";
            } else if (e instanceof AccessDeniedException) {
                what = "permission denied (not readable or not writable by this user, or on a read-only file system)";
            } else if (e instanceof NotDirectoryException) {
                what = "not a directory";
            } else if (e instanceof FileAlreadyExistsException) {
                what = Files.isRegularFile(Path.of(f.getFile())) ? "is a file, where a directory is needed"
                        : "already exists";
            } else if (e instanceof DirectoryNotEmptyException) {
                what = "directory not empty";
            } else {
                what = f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
            }
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + what;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
