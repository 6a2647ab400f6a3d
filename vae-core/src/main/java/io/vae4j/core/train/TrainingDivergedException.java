package io.vae4j.core.train;

/** Training produced a loss that is not a finite number. */
public class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
