package io.vae4j.core.train;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam over the flat parameter buffer, computed in Java on heap copies of the parameters and moments.
 *
 * <p>Why: ND4J's {@code adam_updater} runs its loop unvectorised, and over the reference model's 648k parameters it
 * costs more than PyTorch's whole optimizer step. The JIT compiles the loop below to SIMD code. Each step copies the gradients from the native buffer, updates the heap
 * arrays, and copies the parameters back, chunk by chunk; the moments stay on the heap while training and are
 * written back to the native buffers by {@link #store}. The arithmetic is libnd4j's {@code adam_updater} (the
 * bias-corrected step size folded into one factor, epsilon added to the uncorrected sqrt(v)), which
 * {@code HeapAdamTest} checks against that op.
 *
 * <p>Host memory only: it reads and writes the arrays' memory from Java. One thread: memory traffic, not
 * arithmetic, bounds the loop, and a second thread competes with libnd4j's idle worker for the other core
 * (docs/performance.md).
 */
abstract class HeapAdam {
    /**
     * Parameters per chunk: each chunk's gradients are copied in, updated and its parameters copied out while
     * still in the cache (the step is bound by memory traffic, not arithmetic).
     */
    static final int CHUNK = 4096;
    final INDArray params;
    final INDArray grads;
    final INDArray m;
    final INDArray v;

    private HeapAdam(INDArray params, INDArray grads, INDArray m, INDArray v) {
        this.params = params;
        this.grads = grads;
        this.m = m;
        this.v = v;
    }

    /**
     * Whether this can run on these buffers: contiguous FLOAT or DOUBLE buffers where
     * {@link io.vae4j.core.backend.HostKernels#floatingKernel} allows.
     */
    static boolean supports(INDArray params) {
        return io.vae4j.core.backend.HostKernels.floatingKernel(params.dataType()) && !params.isView()
                && params.length() <= Integer.MAX_VALUE - 8;
    }

    /** Heap state for these flat native buffers (all of one length and type), not yet loaded. */
    static HeapAdam of(INDArray params, INDArray grads, INDArray m, INDArray v) {
        return params.dataType() == DataType.FLOAT ? new Floats(params, grads, m, v) : new Doubles(params, grads, m,
                v);
    }

    /** Copies the parameters and moments from the native buffers: call before the first step of a run. */
    abstract void load();

    /** Copies the moments back to the native buffers (the parameters already are): call after a run. */
    abstract void store();

    /**
     * One step: reads the gradients, updates the moments and parameters, writes the parameters.
     *
     * @param iteration Adam's step count before this step (0 for the first)
     */
    abstract void step(double lr, double beta1, double beta2, double epsilon, int iteration);

    /** libnd4j's step size: lr sqrt(1 - beta2^t) / (1 - beta1^t), t = iteration + 1, or epsilon if degenerate. */
    static double stepSize(double lr, double beta1, double beta2, double epsilon, int iteration) {
        double a = lr * Math.sqrt(1 - Math.pow(beta2, iteration + 1.0)) / (1 - Math.pow(beta1, iteration + 1.0));
        return Double.isFinite(a) && a != 0 ? a : epsilon;
    }

    private static final class Floats extends HeapAdam {
        private final float[] p;
        private final float[] g;
        private final float[] mh;
        private final float[] vh;

        Floats(INDArray params, INDArray grads, INDArray m, INDArray v) {
            super(params, grads, m, v);
            int n = (int) params.length();
            p = new float[n];
            g = new float[n];
            mh = new float[n];
            vh = new float[n];
        }

        @Override
        void load() {
            host(params).get(0, p);
            host(m).get(0, mh);
            host(v).get(0, vh);
        }

        @Override
        void store() {
            host(m).put(0, mh);
            host(v).put(0, vh);
        }

        @Override
        void step(double lr, double beta1, double beta2, double epsilon, int iteration) {
            float a = (float) stepSize(lr, beta1, beta2, epsilon, iteration);
            float b1 = (float) beta1;
            float b2 = (float) beta2;
            float c1 = 1 - b1;
            float c2 = 1 - b2;
            float eps = (float) epsilon;
            float[] p = this.p;
            float[] g = this.g;
            float[] mh = this.mh;
            float[] vh = this.vh;
            FloatBuffer gb = host(grads);
            FloatBuffer pb = host(params);
            for (int c = 0; c < p.length; c += CHUNK) {
                int end = Math.min(p.length, c + CHUNK);
                gb.get(c, g, c, end - c);
                for (int i = c; i < end; i++) {
                    float gi = g[i];
                    float mi = b1 * mh[i] + gi * c1;
                    float vi = b2 * vh[i] + gi * gi * c2;
                    mh[i] = mi;
                    vh[i] = vi;
                    p[i] -= mi * a / ((float) Math.sqrt(vi) + eps);
                }
                pb.put(c, p, c, end - c);
            }
        }

        private static FloatBuffer host(INDArray a) {
            return a.data().asNioFloat();
        }
    }

    private static final class Doubles extends HeapAdam {
        private final double[] p;
        private final double[] g;
        private final double[] mh;
        private final double[] vh;

        Doubles(INDArray params, INDArray grads, INDArray m, INDArray v) {
            super(params, grads, m, v);
            int n = (int) params.length();
            p = new double[n];
            g = new double[n];
            mh = new double[n];
            vh = new double[n];
        }

        @Override
        void load() {
            host(params).get(0, p);
            host(m).get(0, mh);
            host(v).get(0, vh);
        }

        @Override
        void store() {
            host(m).put(0, mh);
            host(v).put(0, vh);
        }

        @Override
        void step(double lr, double beta1, double beta2, double epsilon, int iteration) {
            double a = stepSize(lr, beta1, beta2, epsilon, iteration);
            double[] p = this.p;
            double[] g = this.g;
            double[] mh = this.mh;
            double[] vh = this.vh;
            DoubleBuffer gb = host(grads);
            DoubleBuffer pb = host(params);
            for (int c = 0; c < p.length; c += CHUNK) {
                int end = Math.min(p.length, c + CHUNK);
                gb.get(c, g, c, end - c);
                for (int i = c; i < end; i++) {
                    double gi = g[i];
                    double mi = beta1 * mh[i] + gi * (1 - beta1);
                    double vi = beta2 * vh[i] + gi * gi * (1 - beta2);
                    mh[i] = mi;
                    vh[i] = vi;
                    p[i] -= mi * a / (Math.sqrt(vi) + epsilon);
                }
                pb.put(c, p, c, end - c);
            }
        }

        private static DoubleBuffer host(INDArray a) {
            return a.data().asNioDouble();
        }
    }
}
