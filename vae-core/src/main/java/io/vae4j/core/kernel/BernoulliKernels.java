package io.vae4j.core.kernel;

import io.vae4j.core.backend.HostKernels;
import io.vae4j.core.backend.NativeBuild;
import io.vae4j.core.exec.Fused;
import io.vae4j.core.exec.Kernel;
import io.vae4j.core.exec.Step;
import io.vae4j.core.exec.HostArray;
import io.vae4j.core.graph.VaeNames;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Max;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.Negative;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training step's kernels for the Bernoulli reconstruction term, per example
 * NLL(x | l) = sum over pixels of max(l, 0) - l x + log(1 + exp(-|l|)) on the decoder's logits l, all sharing
 * s = sigmoid(l):
 * <ul>
 *   <li>the gradient with respect to l. SameDiff differentiates the expression above term by term: about ten
 *       element-wise ops over [batch, pixels] (relu_bp, sign, abs, sigmoid, products and sums). Its value is
 *       g (s - x), with g the gradient arriving at the example's NLL (1/batch for the mean loss).</li>
 *   <li>the value, which the loss reports (the gradient above does not need it): log(1 + exp(-|l|)) equals
 *       -log(max(s, 1 - s)) exactly, and max(s, 1 - s) &gt;= 1/2 keeps the logarithm well conditioned.</li>
 * </ul>
 * On the CPU backend in FLOAT (training's type) both run in Java, after t = tanh(l / 2) (see {@link #halfTanh}), from
 * which s = (1 + t) / 2 and max(s, 1 - s) = (1 + |t|) / 2: one pass over l, t and x gives each example's NLL, with the
 * logarithm of a product of up to {@value #LOG_EVERY} factors in double precision instead of one logarithm per pixel,
 * and a second pass writes the gradient. This replaces 14 element-wise ops and a
 * row sum over [batch, pixels], the largest share of the step outside the matrix products. Elsewhere (DOUBLE, or another backend) the same formulas run as ND4J ops.
 * {@code BernoulliKernelsTest} checks the Java kernels against a double-precision hand computation;
 * {@code CompiledTrainingStepTest} checks both forms against {@code SameDiff.fit}.
 *
 * <p>Apply the training kernels only when the logits feed nothing but the three terms of that NLL, so the NLL is
 * their only gradient path. Scoring (evaluation, importance sampling), which needs the value alone, uses
 * {@link #scoring()}.
 */
public final class BernoulliKernels {
    /**
     * Pixels per chunk whose factors max(s, 1 - s), each in [1/2, 1], are multiplied before a logarithm is taken:
     * any product of them is at least 2^-512, far from double's smallest normal number, 2^-1022.
     */
    static final int LOG_EVERY = 512;

    private BernoulliKernels() {
    }

    /**
     * The kernels for one compiled training step, or none when the graph is not of that shape.
     *
     * @param sd     the model's graph
     * @param grad   its gradient function
     * @param target the graph value the likelihood scores (the images, or the clean images of a denoising model)
     */
    public static List<Fused> of(SameDiff sd, SameDiff grad, String target) {
        if (!sd.hasVariable(VaeNames.TRAIN_NLL_RELU) || !grad.hasVariable(VaeNames.TRAIN_NLL_SOFTPLUS)) {
            return List.of();
        }
        String reluOp = sd.getVariables().get(VaeNames.TRAIN_NLL_RELU).getOutputOfOp();
        String logits = sd.getOps().get(reluOp).getInputsToOp().get(0);
        List<String> consumers = sd.getVariables().get(logits).getInputsForOp();
        SDVariable logitGrad = grad.getVariable(logits).getGradient();
        SDVariable reconGrad = grad.getVariable(VaeNames.RECON_TRAIN).getGradient();
        if (consumers == null || consumers.size() != 3 || logitGrad == null || reconGrad == null) {
            return List.of(); // another use of the logits: keep SameDiff's own gradient
        }
        if (onHost(grad.getVariable(logits).dataType())) {
            Host host = new Host();
            return List.of(
                    new Fused(VaeNames.RECON_TRAIN, List.of(logits, target),
                            in -> new long[] {in[0].size(0)}, host::forward),
                    new Fused(logitGrad.name(), List.of(logits, target, reconGrad.name()),
                            host::backward));
        }
        INDArray[] sigmoid = new INDArray[1]; // s, computed by the forward kernel, read by the gradient's
        Fused forward = new Fused(VaeNames.TRAIN_NLL_SOFTPLUS, List.of(logits),
                (in, out, scratch) -> {
                    INDArray s = Nd4j.create(out.dataType(), out.shape());
                    scratch.add(s);
                    sigmoid[0] = s;
                    return ops(new Sigmoid(in[0], s), new ScalarReverseSubtraction(s, out, 1.0),
                            new Max(s, out, out), new Log(out, out), new Negative(out, out));
                });
        Fused gradient = new Fused(logitGrad.name(),
                List.of(logits, target, reconGrad.name()),
                (in, out, scratch) -> ops(opsGradient(in, out, sigmoid[0])));
        return List.of(forward, gradient);
    }

    /** Whether the Java kernels run for arrays of this type: see {@link HostKernels#floatKernel}. */
    public static boolean onHost(DataType dataType) {
        return HostKernels.floatKernel(dataType);
    }

    /**
     * A kernel for scoring: from the logits and the targets ([rows, pixels] each) to each row's NLL ([rows]), the
     * value alone. The tanh of {@link #halfTanh}, then the Java pass of the training kernel, row by row through heap
     * buffers of one row, so a compiled scoring function of thousands of rows holds no heap copy of them. Use it where
     * {@link #onHost} holds; the graph's own ops compute the same value elsewhere.
     */
    public static Kernel scoring() {
        return (in, out, scratch) -> {
            INDArray logits = in[0];
            INDArray target = in[1];
            int rows = (int) logits.size(0);
            int cols = pixelsPerRow(logits, target, out);
            INDArray tanh = Nd4j.create(DataType.FLOAT, logits.shape());
            scratch.add(tanh);
            HostArray lh = new HostArray(logits, scratch);
            HostArray th = new HostArray(tanh, scratch);
            HostArray xh = new HostArray(target, scratch);
            HostArray oh = new HostArray(out, scratch);
            float[] l = new float[cols];
            float[] t = new float[cols];
            float[] x = new float[cols];
            float[] nll = new float[rows];
            List<Step> steps = ops(halfTanh(logits, tanh));
            steps.add(new Step.Host("bernoulli nll", () -> {
                lh.gather();
                xh.gather();
                for (int i = 0; i < rows; i++) {
                    lh.row(i * cols, l);
                    th.row(i * cols, t);
                    xh.row(i * cols, x);
                    nll[i] = (float) nll(l, t, x, 0, cols);
                }
                oh.put(nll, 0, rows);
                oh.scatter();
            }));
            return steps;
        };
    }

    /**
     * t = tanh(l / 2), from which the Java passes get s = sigmoid(l) = (1 + t) / 2. With oneDNN loaded, libnd4j's
     * tanh runs oneDNN's vectorised kernel, several times faster than libnd4j's sigmoid, which takes an exp per
     * element. Without it, libnd4j's own tanh (legacy transform) runs.
     */
    private static List<DifferentialFunction> halfTanh(INDArray logits, INDArray t) {
        return halfTanh(logits, t, NativeBuild.onednnLoaded());
    }

    static List<DifferentialFunction> halfTanh(INDArray logits, INDArray t, boolean onednn) {
        DifferentialFunction tanh = onednn ? DynamicCustomOp.builder("tanh").addInputs(t).addOutputs(t).build()
                : new Tanh(t, t);
        return List.of(new ScalarMultiplication(logits, null, t, 0.5), tanh);
    }

    /** ND4J ops as the steps of a kernel. */
    private static List<Step> ops(List<DifferentialFunction> ops) {
        List<Step> steps = new ArrayList<>();
        for (DifferentialFunction op : ops) {
            steps.add(new Step.Op(op));
        }
        return steps;
    }

    private static List<Step> ops(DifferentialFunction... ops) {
        return ops(List.of(ops));
    }

    /** g (s - x) as ND4J ops; computes s = sigmoid(l) into the output first when no forward kernel made it. */
    private static List<DifferentialFunction> opsGradient(INDArray[] in, INDArray out, INDArray s) {
        INDArray rowGrad = in[2].reshape(in[2].length(), 1);
        List<DifferentialFunction> ops = new ArrayList<>();
        if (s == null) {
            ops.add(new Sigmoid(in[0], out));
            s = out;
        }
        ops.add(new SubOp(s, in[1], out));
        ops.add(new MulOp(out, rowGrad, out));
        return ops;
    }

    /** The row width of logits and targets of one shape, with one output per row; fails on anything else. */
    private static int pixelsPerRow(INDArray logits, INDArray target, INDArray out) {
        long rows = logits.size(0);
        if (logits.length() != target.length() || out.length() != rows || logits.length() > Integer.MAX_VALUE) {
            throw new IllegalStateException("the Bernoulli kernel needs logits and targets of one shape, got "
                    + java.util.Arrays.toString(logits.shape()) + " and " + java.util.Arrays.toString(target.shape()));
        }
        return (int) (logits.length() / rows);
    }

    /** The Java kernels of one compiled step: heap copies of t and x, shared by the forward and gradient pass. */
    private static final class Host {
        private float[] t;
        private float[] x;
        private int cols;

        List<Step> forward(INDArray[] in, INDArray out, List<INDArray> scratch) {
            INDArray logits = in[0];
            INDArray target = in[1];
            int rows = (int) logits.size(0);
            int cols = pixelsPerRow(logits, target, out);
            this.cols = cols;
            INDArray tanh = Nd4j.create(DataType.FLOAT, logits.shape());
            scratch.add(tanh);
            float[] l = new float[rows * cols];
            float[] t = new float[l.length];
            float[] x = new float[l.length];
            this.t = t;
            this.x = x;
            float[] nll = new float[rows];
            HostArray lh = new HostArray(logits, scratch);
            HostArray th = new HostArray(tanh, scratch);
            HostArray xh = new HostArray(target, scratch);
            HostArray oh = new HostArray(out, scratch);
            List<Step> steps = ops(halfTanh(logits, tanh));
            steps.add(new Step.Host("bernoulli nll", () -> {
                lh.gather();
                xh.gather();
                lh.get(l, 0, l.length);
                th.get(t, 0, t.length);
                xh.get(x, 0, x.length);
                for (int i = 0; i < rows; i++) {
                    nll[i] = (float) nll(l, t, x, i * cols, cols);
                }
                oh.put(nll, 0, rows);
                oh.scatter();
            }));
            return steps;
        }

        List<Step> backward(INDArray[] in, INDArray out, List<INDArray> scratch) {
            if (t == null) { // no forward kernel in this step, or it was built after this one: ND4J ops
                return ops(opsGradient(in, out, null));
            }
            float[] t = this.t;
            float[] x = this.x;
            int cols = this.cols;
            float[] g = new float[t.length];
            float[] rowGrad = new float[(int) in[2].length()];
            HostArray rh = new HostArray(in[2], scratch);
            HostArray gh = new HostArray(out, scratch);
            return List.of(new Step.Host("bernoulli gradient", () -> {
                rh.gather();
                rh.get(rowGrad, 0, rowGrad.length);
                gradient(t, x, rowGrad, cols, g, 0, rowGrad.length);
                gh.put(g, 0, g.length);
                gh.scatter();
            }));
        }
    }

    /**
     * One example's NLL from its logits l, t = tanh(l / 2) and targets x at {@code [from, from + n)}:
     * sum of max(l, 0) - l x - log(max(s, 1 - s)) with s = sigmoid(l), so max(s, 1 - s) = (1 + |t|) / 2, the
     * logarithms taken of products of {@value #LOG_EVERY} factors.
     */
    static double nll(float[] l, float[] t, float[] x, int from, int n) {
        // four independent sums and products: one chain would wait on each multiply's latency
        double linear0 = 0;
        double linear1 = 0;
        double linear2 = 0;
        double linear3 = 0;
        double logs = 0;
        int end = from + n;
        int k = from;
        while (k < end) {
            int stop = Math.min(end, k + LOG_EVERY);
            double p0 = 1;
            double p1 = 1;
            double p2 = 1;
            double p3 = 1;
            for (; k + 3 < stop; k += 4) {
                linear0 += Math.max(l[k], 0f) - l[k] * x[k];
                linear1 += Math.max(l[k + 1], 0f) - l[k + 1] * x[k + 1];
                linear2 += Math.max(l[k + 2], 0f) - l[k + 2] * x[k + 2];
                linear3 += Math.max(l[k + 3], 0f) - l[k + 3] * x[k + 3];
                p0 *= 0.5f + 0.5f * Math.abs(t[k]);
                p1 *= 0.5f + 0.5f * Math.abs(t[k + 1]);
                p2 *= 0.5f + 0.5f * Math.abs(t[k + 2]);
                p3 *= 0.5f + 0.5f * Math.abs(t[k + 3]);
            }
            for (; k < stop; k++) {
                linear0 += Math.max(l[k], 0f) - l[k] * x[k];
                p0 *= 0.5f + 0.5f * Math.abs(t[k]);
            }
            logs += Math.log(p0 * p1) + Math.log(p2 * p3);
        }
        return linear0 + linear1 + linear2 + linear3 - logs;
    }

    /** g[k] = rowGrad[i] (s[k] - x[k]), s = (1 + t) / 2 = sigmoid(l), for k in rows [r0, r1) of width {@code cols}. */
    static void gradient(float[] t, float[] x, float[] rowGrad, int cols, float[] g, int r0, int r1) {
        for (int i = r0; i < r1; i++) {
            float gi = rowGrad[i];
            int base = i * cols;
            for (int k = base; k < base + cols; k++) {
                g[k] = gi * (0.5f + 0.5f * t[k] - x[k]);
            }
        }
    }
}
