package io.vae4j.mnist.data;

import java.io.IOException;

/** MNIST is not in the data directory and no source could provide it. */
public class MnistUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    public MnistUnavailableException(String message) {
        super(message);
    }
}
