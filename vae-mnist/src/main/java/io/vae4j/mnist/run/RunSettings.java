package io.vae4j.mnist.run;

import io.vae4j.mnist.data.Binarization;

/**
 * How a run uses the data, saved as {@code run.json} beside the model so that resuming, evaluating and plotting
 * treat the data exactly as training did.
 *
 * @param epochs       total epochs the run is to reach
 * @param binarization how pixels become inputs
 * @param limit        training images used (0: all)
 * @param testLimit    test images used for per-epoch evaluation (0: all)
 * @param excludeDigit a digit left out of training (anomaly runs), or -1
 */
public record RunSettings(int epochs, Binarization binarization, int limit, int testLimit, int excludeDigit) {
    public RunSettings {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (limit < 0 || testLimit < 0) {
            throw new IllegalArgumentException("limits must be >= 0, got " + limit + " and " + testLimit);
        }
        if (binarization == null) {
            binarization = Binarization.NONE;
        }
    }

    public RunSettings withEpochs(int total) {
        return new RunSettings(total, binarization, limit, testLimit, excludeDigit);
    }
}
