package io.vae4j.core.exec;

import java.util.List;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.shape.Shape;

/**
 * A sum over one axis of a matrix as a product with a column (or row) of ones: libnd4j's reduction has a large fixed
 * cost on the small matrices of the latent layer. Does not apply to any other sum.
 */
final class AxisSumRewrite implements Rewrite {
    @Override
    public boolean apply(Compilation c, SameDiffOp op, INDArray[] in, List<String> outNames) {
        if (!(op.getOp() instanceof Sum sum)) {
            return false;
        }
        String outName = outNames.get(0);
        INDArray x = in[0];
        INDArray axes = in.length == 2 ? in[1] : sum.dimensions();
        if (x.rank() != 2 || sum.isKeepDims() || !Compilation.floating(x) || axes == null || axes.length() != 1
                || c.function().getVariable(outName).dataType() != x.dataType()) {
            return false;
        }
        int axis = Shape.normalizeAxis(2, axes.toIntVector())[0];
        if (axis == 1) {
            INDArray target = Compilation.matrix(c.out(outName, new long[] {x.size(0)}), x.size(0), 1);
            INDArray column = c.ones(x.size(1), 1, x.dataType());
            c.custom(new Mmul(x, column, target, null), op.getName(), new INDArray[] {x, column}, target);
        } else {
            c.columnSum(op.getName(), x, c.out(outName, new long[] {x.size(1)}));
        }
        return true;
    }
}
