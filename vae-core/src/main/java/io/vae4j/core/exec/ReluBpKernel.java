package io.vae4j.core.exec;

import io.vae4j.core.backend.HostKernels;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** relu's gradient in Java: dy where x &gt; cutoff, else 0, in chunks the JIT vectorises. FLOAT on host memory. */
final class ReluBpKernel {
    /** Elements per chunk: three chunks stay in the first-level cache. */
    private static final int CHUNK = 2048;

    private ReluBpKernel() {
    }

    /** Whether the kernel runs on these arrays (see {@link HostKernels#floatKernel}). */
    static boolean applies(INDArray x, INDArray dy, INDArray out) {
        return HostKernels.floatKernel(x.dataType()) && dy.dataType() == DataType.FLOAT
                && out.dataType() == DataType.FLOAT && x.length() == dy.length() && out.length() <= Integer.MAX_VALUE;
    }

    static Step step(String name, INDArray x, INDArray dy, INDArray out, float cutoff, List<INDArray> owned) {
        HostArray xh = new HostArray(x, owned);
        HostArray dh = new HostArray(dy, owned);
        HostArray oh = new HostArray(out, owned);
        int n = (int) out.length();
        float[] xs = new float[n];
        float[] gs = new float[n];
        return new Step.Host(name, () -> {
            xh.gather();
            dh.gather();
            for (int from = 0; from < n; from += CHUNK) {
                int len = Math.min(CHUNK, n - from);
                xh.get(xs, from, len);
                dh.get(gs, from, len);
                apply(xs, gs, from, len, cutoff);
                oh.put(gs, from, len);
            }
            oh.scatter();
        });
    }

    /** g[k] *= step(x[k] - cutoff) for k in [from, from + len). */
    static void apply(float[] xs, float[] gs, int from, int len, float cutoff) {
        for (int k = from; k < from + len; k++) {
            // min(max(d * 1e38 * 1e38, 0), 1) is 1 for any d > 0 (even the least subnormal), 0 for d <= 0:
            // the step function without a branch
            gs[k] *= Math.min(Math.max((xs[k] - cutoff) * 1e38f * 1e38f, 0f), 1f);
        }
    }
}
