package io.vae4j.core.exec;

import java.util.List;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.same.Identity;

/** identity: its output is its input's array, as in SameDiff (unless the caller bound the output to an array). */
final class IdentityRewrite implements Rewrite {
    @Override
    public boolean apply(Compilation c, SameDiffOp op, INDArray[] in, List<String> outNames) {
        if (!(op.getOp() instanceof Identity) || c.bound(outNames.get(0))) {
            return false;
        }
        c.alias(outNames.get(0), in[0]);
        return true;
    }
}
