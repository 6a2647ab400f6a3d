package io.vae4j.core.exec;

import java.util.Arrays;
import java.util.List;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;

/**
 * add_bp of z = x + y: the gradient of an input of z's shape is dz itself (no copy), that of a bias added to every
 * row is dz summed over the rows (a product with a row of ones, which runs faster than libnd4j's column sum). Does
 * not apply when an input is neither.
 */
final class AddBpRewrite implements Rewrite {
    @Override
    public boolean apply(Compilation c, SameDiffOp op, INDArray[] in, List<String> outNames) {
        if (!(op.getOp() instanceof AddBpOp) || in.length != 3 || outNames.size() != 2) {
            return false;
        }
        INDArray dz = in[2];
        for (int i = 0; i < 2; i++) {
            String g = outNames.get(i);
            boolean same = Arrays.equals(in[i].shape(), dz.shape()) && !c.bound(g);
            if (c.used(g) && (c.function().getVariable(g).dataType() != dz.dataType() || !same && !bias(in[i], dz))) {
                return false;
            }
        }
        for (int i = 0; i < 2; i++) {
            String g = outNames.get(i);
            if (!c.used(g)) {
                continue;
            }
            if (Arrays.equals(in[i].shape(), dz.shape())) {
                c.alias(g, dz);
            } else {
                c.columnSum(op.getName() + ": bias", dz, c.out(g, in[i].shape()));
            }
        }
        return true;
    }

    /** Whether b, of rank 1, is broadcast along the rows of the matrix z. */
    private static boolean bias(INDArray b, INDArray z) {
        return b.rank() == 1 && z.rank() == 2 && b.size(0) == z.size(1) && Compilation.floating(z);
    }
}
