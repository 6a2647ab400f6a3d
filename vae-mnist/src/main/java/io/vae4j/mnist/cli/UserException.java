package io.vae4j.mnist.cli;

/** A problem the user can fix (bad input, missing file); printed as one line, without a stack trace. */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
