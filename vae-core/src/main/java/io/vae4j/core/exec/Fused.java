package io.vae4j.core.exec;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A value of a function computed by a {@link Kernel} instead of by the ops that compute it in the function. Each must
 * be proven equal to SameDiff's value by a test.
 *
 * @param output the value's name in the function
 * @param inputs names of the values the kernel reads
 * @param shape  the output's shape, from the input arrays
 * @param kernel the steps that compute it
 */
public record Fused(String output, List<String> inputs, OutputShape shape, Kernel kernel) {
    /** A kernel whose output has the shape of its first input. */
    public Fused(String output, List<String> inputs, Kernel kernel) {
        this(output, inputs, in -> in[0].shape(), kernel);
    }

    /** The shape of a fused kernel's output, from its input arrays. */
    @FunctionalInterface
    public interface OutputShape {
        long[] of(INDArray[] inputs);
    }
}
