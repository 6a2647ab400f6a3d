package io.vae4j.core.train;

/**
 * A batch iterator that can write its next batch's features straight into the trainer's buffer, instead of making a
 * {@link org.nd4j.linalg.dataset.DataSet} per batch. {@link Trainer#fit} uses it when the {@code DataSetIterator} it
 * is given also implements this: the per-batch native arrays, their copy into the step's input and their garbage
 * cost about as much as a tenth of the reference model's step.
 */
public interface DirectFeatures {
    /**
     * Writes the next batch's features, row-major as [n, inputSize], into {@code dst} from index 0 and advances the
     * iterator exactly as {@code next()} would. The trainer checks the values it receives.
     *
     * @param dst room for at least one full batch
     * @return n, the number of examples written
     */
    int nextFeatures(float[] dst);
}
