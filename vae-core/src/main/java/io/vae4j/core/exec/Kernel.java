package io.vae4j.core.exec;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Builds the steps of a fused computation, their arrays bound, for given input arrays and output array. */
@FunctionalInterface
public interface Kernel {
    /**
     * @param inputs  the arrays of the values the kernel reads, in the order its {@link Fused} names them
     * @param output  the array to write
     * @param scratch add any array the kernel allocates, so that it is released with the compiled graph
     */
    List<Step> build(INDArray[] inputs, INDArray output, List<INDArray> scratch);
}
