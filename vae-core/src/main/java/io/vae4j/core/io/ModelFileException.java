package io.vae4j.core.io;

import java.io.IOException;
import java.nio.file.Path;

/** A model file could not be read or written; the message names the file, the problem and what to do. */
public class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public ModelFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public ModelFileException(Path file, String problem) {
        this(file, problem, null);
    }

    /** The file concerned. */
    public Path file() {
        return file;
    }
}
