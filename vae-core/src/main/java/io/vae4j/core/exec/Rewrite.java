package io.vae4j.core.exec;

import java.util.List;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One rule of {@link GraphCompiler}: replaces an op of the function by equivalent steps (fewer, cheaper, or none), in
 * the spirit of ND4J's own {@code org.nd4j.autodiff.samediff.optimize} rewrites. Each rule is proven against
 * SameDiff's own values by {@code CompiledGraphTest}.
 */
interface Rewrite {
    /**
     * Adds the op's replacement to the compilation if this rule applies to it.
     *
     * @param c        the compilation so far
     * @param op       the op of the function
     * @param in       its input arrays
     * @param outNames its outputs' names
     * @return whether the rule applied; if not, it added nothing
     */
    boolean apply(Compilation c, SameDiffOp op, INDArray[] in, List<String> outNames);
}
