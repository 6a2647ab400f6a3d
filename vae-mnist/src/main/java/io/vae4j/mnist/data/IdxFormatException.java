package io.vae4j.mnist.data;

import java.io.IOException;
import java.nio.file.Path;

/** An IDX or MNIST file is missing, malformed or inconsistent; the message names the file and what to do. */
public class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public IdxFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public IdxFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
