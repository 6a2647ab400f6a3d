package io.vae4j.core.exec;

import java.util.List;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;

/**
 * matmul_bp of C = A B as the products still read: dA = dC B^T and dB = A^T dC. The op always computes both (the
 * gradient of the input placeholder too), and costs more than two products on small matrices.
 */
final class MatmulBpRewrite implements Rewrite {
    @Override
    public boolean apply(Compilation c, SameDiffOp op, INDArray[] in, List<String> outNames) {
        if (!(op.getOp() instanceof MmulBp mb) || in.length != 3 || !untransposed(mb)) {
            return false;
        }
        INDArray a = in[0];
        INDArray b = in[1];
        INDArray dc = in[2];
        if (c.used(outNames.get(0))) {
            INDArray da = c.out(outNames.get(0), a.shape());
            c.custom(new Mmul(dc, b, da, MMulTranspose.builder().transposeB(true).build()), op.getName() + ": dA",
                    new INDArray[] {dc, b}, da);
        }
        if (c.used(outNames.get(1))) {
            INDArray db = c.out(outNames.get(1), b.shape());
            c.custom(new Mmul(a, dc, db, MMulTranspose.builder().transposeA(true).build()), op.getName() + ": dB",
                    new INDArray[] {a, dc}, db);
        }
        return true;
    }

    /** The products that replace matmul_bp assume the forward product had no transposes. */
    private static boolean untransposed(MmulBp op) {
        for (long t : op.iArgs()) {
            if (t != 0) {
                return false;
            }
        }
        return true;
    }
}
