package io.vae4j.core.kernel;

import io.vae4j.core.backend.HostKernels;
import io.vae4j.core.exec.Fused;
import io.vae4j.core.exec.Step;
import io.vae4j.core.exec.HostArray;
import io.vae4j.core.graph.VaeNames;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The training step's kernels for a VAE's latent layer, on [batch, latent] arrays (a few thousand numbers): the
 * reparameterised sample and the analytic KL, and their gradients,
 * <pre>
 *   z  = mu + sigma eps,  sigma = exp(logvar / 2)
 *   KL = -1/2 sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j))           per example
 *   dL/dmu     = dz + dKL mu
 *   dL/dlogvar = dz eps sigma / 2 + dKL (exp(logvar) - 1) / 2
 * </pre>
 * with dz and dKL the gradients arriving at z and at each example's KL. SameDiff runs these as about 25 ops
 * (exp, square, scalar and broadcast ops, a row sum, and their backward ops), each with libnd4j's fixed cost per op
 * however small its arrays; in Java each of the four is one pass. The noise eps stays the graph's own draw.
 *
 * <p>Where {@link HostKernels#floatKernel} allows; elsewhere the graph's ops run.
 * {@code CompiledTrainingStepTest} checks the step against {@code SameDiff.fit}; {@code LatentKernelsTest} checks
 * the four passes against the formulas computed in double.
 *
 * <p>Valid when the loss depends on mu and logvar only through z and KL, as in {@code VaeGraph}'s training branch.
 */
public final class LatentKernels {
    private LatentKernels() {
    }

    /** The kernels for one compiled training step, or none when the graph is not a VAE of that shape. */
    public static List<Fused> of(SameDiff sd, SameDiff grad) {
        for (String name : List.of(VaeNames.MU, VaeNames.LOGVAR, VaeNames.KL, VaeNames.Z_TRAIN, VaeNames.EPS_TRAIN)) {
            if (!sd.hasVariable(name) || !grad.hasVariable(name)) {
                return List.of();
            }
        }
        if (!HostKernels.floatKernel(grad.getVariable(VaeNames.MU).dataType())) {
            return List.of();
        }
        SDVariable dz = grad.getVariable(VaeNames.Z_TRAIN).getGradient();
        SDVariable dkl = grad.getVariable(VaeNames.KL).getGradient();
        SDVariable dmu = grad.getVariable(VaeNames.MU).getGradient();
        SDVariable dlogvar = grad.getVariable(VaeNames.LOGVAR).getGradient();
        if (dz == null || dkl == null || dmu == null || dlogvar == null) {
            return List.of();
        }
        List<String> latent = List.of(VaeNames.MU, VaeNames.LOGVAR, VaeNames.EPS_TRAIN);
        return List.of(
                new Fused(VaeNames.Z_TRAIN, latent, (in, out, scratch) -> host("z", in, out, scratch,
                        (a, o) -> sample(a[0], a[1], a[2], o))),
                new Fused(VaeNames.KL, List.of(VaeNames.MU, VaeNames.LOGVAR),
                        in -> new long[] {in[0].size(0)}, (in, out, scratch) -> host("kl", in, out, scratch,
                                (a, o) -> kl(a[0], a[1], o))),
                new Fused(dmu.name(), List.of(dz.name(), dkl.name(), VaeNames.MU),
                        (in, out, scratch) -> host("dL/dmu", in, out, scratch, (a, o) -> muGradient(a[0], a[1], a[2],
                                o))),
                new Fused(dlogvar.name(),
                        List.of(dz.name(), dkl.name(), VaeNames.LOGVAR, VaeNames.EPS_TRAIN),
                        (in, out, scratch) -> host("dL/dlogvar", in, out, scratch, (a, o) -> logvarGradient(a[0],
                                a[1], a[2], a[3], o))));
    }

    /** A pass over heap copies of its inputs into a heap copy of its output. */
    @FunctionalInterface
    interface Pass {
        void run(float[][] in, float[] out);
    }

    private static List<Step> host(String name, INDArray[] in, INDArray out, List<INDArray> scratch, Pass pass) {
        HostArray[] inputs = new HostArray[in.length];
        float[][] values = new float[in.length][];
        for (int i = 0; i < in.length; i++) {
            inputs[i] = new HostArray(in[i], scratch);
            values[i] = new float[(int) in[i].length()];
        }
        HostArray output = new HostArray(out, scratch);
        float[] result = new float[(int) out.length()];
        return List.of(new Step.Host("latent " + name, () -> {
            for (int i = 0; i < inputs.length; i++) {
                inputs[i].gather();
                inputs[i].get(values[i], 0, values[i].length);
            }
            pass.run(values, result);
            output.put(result, 0, result.length);
            output.scatter();
        }));
    }

    /** z = mu + exp(logvar / 2) eps, element by element, in the graph's order of float operations. */
    static void sample(float[] mu, float[] logvar, float[] eps, float[] z) {
        for (int k = 0; k < z.length; k++) {
            float sigma = (float) Math.exp(logvar[k] * 0.5f);
            z[k] = mu[k] + sigma * eps[k];
        }
    }

    /** Each row's KL = -1/2 sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j)), summed in double. */
    static void kl(float[] mu, float[] logvar, float[] kl) {
        int width = mu.length / kl.length;
        for (int i = 0; i < kl.length; i++) {
            double sum = 0;
            for (int k = i * width; k < (i + 1) * width; k++) {
                sum += 1 + (double) logvar[k] - (double) mu[k] * mu[k] - Math.exp(logvar[k]);
            }
            kl[i] = (float) (-0.5 * sum);
        }
    }

    /** dL/dmu = dz + dKL_i mu. */
    static void muGradient(float[] dz, float[] dkl, float[] mu, float[] out) {
        int width = mu.length / dkl.length;
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) (dz[k] + (double) dkl[k / width] * mu[k]);
        }
    }

    /** dL/dlogvar = dz eps exp(logvar / 2) / 2 + dKL_i (exp(logvar) - 1) / 2. */
    static void logvarGradient(float[] dz, float[] dkl, float[] logvar, float[] eps, float[] out) {
        int width = logvar.length / dkl.length;
        for (int k = 0; k < out.length; k++) {
            double sigma = Math.exp(0.5 * logvar[k]);
            out[k] = (float) (0.5 * dz[k] * eps[k] * sigma + 0.5 * dkl[k / width] * (sigma * sigma - 1));
        }
    }
}
