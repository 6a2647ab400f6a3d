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
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
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
 * On the CPU backend in FLOAT (training's type) both run in Java, after s = sigmoid(l) (see {@link #sigmoid}), with
 * max(s, 1 - s) = 1/2 + |s - 1/2|: one pass over l, s and x gives each example's NLL, with the
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
     * value alone. The sigmoid of {@link #sigmoid}, then the Java pass of the training kernel, row by row through heap
     * buffers of one row, so a compiled scoring function of thousands of rows holds no heap copy of them. Use it where
     * {@link #onHost} holds; the graph's own ops compute the same value elsewhere.
     */
    public static Kernel scoring() {
        return (in, out, scratch) -> {
            INDArray logits = in[0];
            INDArray target = in[1];
            int rows = (int) logits.size(0);
            int cols = pixelsPerRow(logits, target, out);
            INDArray sigmoid = Nd4j.create(DataType.FLOAT, logits.shape());
            scratch.add(sigmoid);
            HostArray lh = new HostArray(logits, scratch);
            HostArray sh = new HostArray(sigmoid, scratch);
            HostArray xh = new HostArray(target, scratch);
            HostArray oh = new HostArray(out, scratch);
            float[] l = new float[cols];
            float[] s = new float[cols];
            float[] x = new float[cols];
            float[] w = new float[cols];
            float[] q = new float[cols];
            float[] nll = new float[rows];
            List<Step> steps = sigmoid(logits, sigmoid);
            steps.add(new Step.Host("bernoulli nll", () -> {
                lh.gather();
                xh.gather();
                for (int i = 0; i < rows; i++) {
                    lh.row(i * cols, l);
                    sh.row(i * cols, s);
                    xh.row(i * cols, x);
                    nll[i] = (float) nll(l, s, x, cols, w, q);
                }
                oh.put(nll, 0, rows);
                oh.scatter();
            }));
            return steps;
        };
    }

    /**
     * s = sigmoid(l): oneDNN's logistic primitive called directly ({@link Logistic}) where it is available and the
     * arrays are dense, else ND4J's ops as 1/2 + tanh(l / 2) / 2, where libnd4j hands tanh to oneDNN when it is
     * built with it and computes it itself otherwise.
     */
    static List<Step> sigmoid(INDArray logits, INDArray s) {
        Logistic direct = Logistic.of(logits, s);
        if (direct != null) {
            List<Step> steps = new ArrayList<>();
            steps.add(new Step.Host("sigmoid (oneDNN logistic)", direct));
            return steps;
        }
        return ops(sigmoidOps(logits, s, NativeBuild.onednnLoaded()));
    }

    /** s = 1/2 + tanh(l / 2) / 2 as ND4J ops, tanh as oneDNN's op or as libnd4j's. */
    static List<DifferentialFunction> sigmoidOps(INDArray logits, INDArray s, boolean onednn) {
        DifferentialFunction tanh = onednn ? DynamicCustomOp.builder("tanh").addInputs(s).addOutputs(s).build()
                : new Tanh(s, s);
        return List.of(new ScalarMultiplication(logits, null, s, 0.5), tanh,
                new ScalarMultiplication(s, null, s, 0.5), new ScalarAdd(s, null, s, 0.5));
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

    /** The Java kernels of one compiled step: heap copies of s and x, shared by the forward and gradient pass. */
    private static final class Host {
        private float[] s;
        private float[] x;
        private int cols;

        List<Step> forward(INDArray[] in, INDArray out, List<INDArray> scratch) {
            INDArray logits = in[0];
            INDArray target = in[1];
            int rows = (int) logits.size(0);
            int cols = pixelsPerRow(logits, target, out);
            this.cols = cols;
            INDArray sigmoid = Nd4j.create(DataType.FLOAT, logits.shape());
            scratch.add(sigmoid);
            float[] l = new float[rows * cols];
            float[] s = new float[l.length];
            float[] x = new float[l.length];
            this.s = s;
            this.x = x;
            float[] nll = new float[rows];
            float[] rl = new float[cols];
            float[] rs = new float[cols];
            float[] rx = new float[cols];
            float[] w = new float[cols];
            float[] q = new float[cols];
            HostArray lh = new HostArray(logits, scratch);
            HostArray sh = new HostArray(sigmoid, scratch);
            HostArray xh = new HostArray(target, scratch);
            HostArray oh = new HostArray(out, scratch);
            List<Step> steps = sigmoid(logits, sigmoid);
            steps.add(new Step.Host("bernoulli nll", () -> {
                lh.gather();
                xh.gather();
                lh.get(l, 0, l.length);
                sh.get(s, 0, s.length);
                xh.get(x, 0, x.length);
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(l, i * cols, rl, 0, cols);
                    System.arraycopy(s, i * cols, rs, 0, cols);
                    System.arraycopy(x, i * cols, rx, 0, cols);
                    nll[i] = (float) nll(rl, rs, rx, cols, w, q);
                }
                oh.put(nll, 0, rows);
                oh.scatter();
            }));
            return steps;
        }

        List<Step> backward(INDArray[] in, INDArray out, List<INDArray> scratch) {
            if (s == null) { // no forward kernel in this step, or it was built after this one: ND4J ops
                return ops(opsGradient(in, out, null));
            }
            float[] s = this.s;
            float[] x = this.x;
            int cols = this.cols;
            float[] g = new float[s.length];
            float[] rowGrad = new float[(int) in[2].length()];
            HostArray rh = new HostArray(in[2], scratch);
            HostArray gh = new HostArray(out, scratch);
            return List.of(new Step.Host("bernoulli gradient", () -> {
                rh.gather();
                rh.get(rowGrad, 0, rowGrad.length);
                gradient(s, x, rowGrad, cols, g, 0, rowGrad.length);
                gh.put(g, 0, g.length);
                gh.scatter();
            }));
        }
    }

    /**
     * One example's NLL from its logits l, s = sigmoid(l) and targets x, elements {@code [0, n)}:
     * sum of max(l, 0) - l x - log(max(s, 1 - s)), max(s, 1 - s) = 1/2 + |s - 1/2|, the
     * logarithms taken of products of {@value #LOG_EVERY} factors.
     *
     * <p>Two passes: the element-wise terms into the work arrays {@code w} and {@code q} (at least n long), a loop
     * the JIT compiles to vector instructions; then their sum and product in eight independent lanes, so that no
     * chain of additions or multiplications waits on its own latency. The sums are in double; each lane's product
     * is a float of fewer than 72 factors ({@value #LOG_EVERY} / 8 and a tail of up to 7) in [1/2, 1], so at least
     * 2^-72, far from float's smallest normal number, 2^-126.
     */
    static double nll(float[] l, float[] s, float[] x, int n, float[] w, float[] q) {
        // every array indexed alike from 0: the JIT vectorises this loop only then
        for (int k = 0; k < n; k++) {
            w[k] = Math.max(l[k], 0f) - l[k] * x[k];
            q[k] = 0.5f + Math.abs(s[k] - 0.5f);
        }
        double linear = 0;
        double logs = 0;
        int k = 0;
        while (k < n) {
            int stop = Math.min(n, k + LOG_EVERY);
            double a0 = 0;
            double a1 = 0;
            double a2 = 0;
            double a3 = 0;
            double a4 = 0;
            double a5 = 0;
            double a6 = 0;
            double a7 = 0;
            float p0 = 1;
            float p1 = 1;
            float p2 = 1;
            float p3 = 1;
            float p4 = 1;
            float p5 = 1;
            float p6 = 1;
            float p7 = 1;
            for (; k + 7 < stop; k += 8) {
                a0 += w[k];
                a1 += w[k + 1];
                a2 += w[k + 2];
                a3 += w[k + 3];
                a4 += w[k + 4];
                a5 += w[k + 5];
                a6 += w[k + 6];
                a7 += w[k + 7];
                p0 *= q[k];
                p1 *= q[k + 1];
                p2 *= q[k + 2];
                p3 *= q[k + 3];
                p4 *= q[k + 4];
                p5 *= q[k + 5];
                p6 *= q[k + 6];
                p7 *= q[k + 7];
            }
            for (; k < stop; k++) {
                a0 += w[k];
                p0 *= q[k];
            }
            linear += a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
            logs += Math.log((double) p0 * p1 * p2 * p3) + Math.log((double) p4 * p5 * p6 * p7);
        }
        return linear - logs;
    }

    /** g[k] = rowGrad[i] (s[k] - x[k]), s = sigmoid(l), for k in rows [r0, r1) of width {@code cols}. */
    static void gradient(float[] s, float[] x, float[] rowGrad, int cols, float[] g, int r0, int r1) {
        for (int i = r0; i < r1; i++) {
            float gi = rowGrad[i];
            int base = i * cols;
            for (int k = base; k < base + cols; k++) {
                g[k] = gi * (s[k] - x[k]);
            }
        }
    }
}
