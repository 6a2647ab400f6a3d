package io.vae4j.core.exec;

import io.vae4j.core.backend.HostKernels;
import java.util.List;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;

/**
 * relu_bp, which libnd4j computes through a {@code std::function} call per element: dy where x &gt; cutoff, else 0.
 * Where {@link HostKernels#floatKernel} allows, the Java loop of {@link ReluBpKernel}; elsewhere step(x &gt; cutoff)
 * times dy as two element-wise ops.
 */
final class ReluBpRewrite implements Rewrite {
    @Override
    public boolean apply(Compilation c, SameDiffOp op, INDArray[] in, List<String> outNames) {
        if (!(op.getOp() instanceof ThresholdReluBp relu) || in.length != 2) {
            return false;
        }
        double cutoff = relu.tArgs()[0];
        INDArray out = c.out(outNames.get(0), in[0].shape());
        if (ReluBpKernel.applies(in[0], in[1], out)) {
            c.step(ReluBpKernel.step("relu_bp " + op.getName(), in[0], in[1], out, (float) cutoff, c.owned));
            return true;
        }
        INDArray mask = c.scratch(in[0].dataType(), in[0].shape());
        org.nd4j.linalg.api.ops.impl.scalar.Step step = new org.nd4j.linalg.api.ops.impl.scalar.Step(in[0], mask,
                cutoff);
        step.setOwnName(op.getName() + ": step");
        MulOp product = new MulOp(mask, in[1], out);
        product.setOwnName(op.getName() + ": step * dy");
        c.add(step, null);
        c.add(product, null);
        return true;
    }
}
