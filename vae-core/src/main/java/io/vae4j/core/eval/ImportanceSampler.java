package io.vae4j.core.eval;

import io.vae4j.core.compat.Dl4jCompat;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.graph.Encoding;
import io.vae4j.core.graph.Labels;
import io.vae4j.core.graph.Noise;
import io.vae4j.core.graph.VaeNames;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Importance-weighted estimate of log p(x) per example (Burda et al. 2016):
 * <pre>
 *   log p(x) ~ log (1/k) sum_i p(x | z_i) p(z_i) / q(z_i | x),   z_i ~ q(z | x)
 * </pre>
 * computed as a streaming log-sum-exp in double precision over blocks of at most {@link Inference#BLOCK} decoder
 * rows, so any k and any number of examples fit in bounded memory. k = 1 gives an unbiased estimate of the ELBO;
 * the estimate rises towards log p(x) as k grows. Its negation is the usual "NLL" in nats.
 */
public final class ImportanceSampler {
    private ImportanceSampler() {
    }

    /**
     * @param xf   flat inputs [n, featureSize]
     * @param k    importance samples per example, &gt;= 1
     * @param seed seed of the draws
     * @throws UnsupportedOperationException for an autoencoder, which has no posterior to sample
     */
    public static double[] logLikelihood(Forward forward, INDArray xf, int k, long seed) {
        VaeConfig config = forward.model().config();
        DataType dataType = forward.model().dataType();
        if (!config.variational()) {
            throw new UnsupportedOperationException("the importance-weighted likelihood needs a VAE; this model is a "
                    + "plain autoencoder");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        int n = (int) xf.size(0);
        int l = config.latentSize();
        double[] result = new double[n];
        // Draws per decoder call: as few as fill a block with all n images (at least one), so that a group holds
        // many images and their inputs, repeated for each draw, are written once per group instead of once per call.
        int chunk = Math.max(1, Math.min(k, Inference.BLOCK / n));
        int group = Math.max(1, Math.min(n, Inference.BLOCK / chunk));
        Map<Integer, Work> work = new HashMap<>();
        try (Noise rng = new Noise(seed)) {
            for (int g0 = 0; g0 < n; g0 += group) {
                int g = Math.min(group, n - g0);
                INDArray xg = xf.get(NDArrayIndex.interval(g0, g0 + g), NDArrayIndex.all());
                INDArray pixels = config.conditional()
                        ? xg.get(NDArrayIndex.all(), NDArrayIndex.interval(0, config.inputSize())) : xg;
                INDArray labels = Labels.of(xg, config);
                Encoding enc = forward.encode(xg);
                LogSumExp[] acc = new LogSumExp[g];
                for (int i = 0; i < g; i++) {
                    acc[i] = new LogSumExp();
                }
                for (int done = 0; done < k; done += chunk) {
                    int m = Math.min(chunk, k - done);
                    int rows = g * m;
                    Inference.Compiled fn = forward.inference().compiled(Map.of(VaeNames.Z_IN,
                            Labels.decoderInput(enc.mu(), labels), VaeNames.X_TARGET, pixels), rows, VaeNames.NLL_Z);
                    Work w = work.computeIfAbsent(rows, r -> new Work(r, l, config.classes(), dataType));
                    w.prepare(g0, m, pixels, labels, enc, fn.inputs().get(VaeNames.X_TARGET));
                    rng.fill(w.eps);
                    INDArray zIn = fn.inputs().get(VaeNames.Z_IN);
                    INDArray z = zIn;
                    if (config.conditional()) { // z, then each draw's label
                        z = zIn.get(NDArrayIndex.all(), NDArrayIndex.interval(0, l));
                        zIn.get(NDArrayIndex.all(), NDArrayIndex.interval(l, config.decoderInputSize()))
                                .assign(w.labels);
                    }
                    z.assign(w.eps).muli(w.sigma).addi(w.mu);
                    // log q(z|x) - log p(z) = sum(-1/2 (log 2pi + logvar + eps^2)) - sum(-1/2 (log 2pi + z^2))
                    w.tmp.assign(w.eps).muli(w.eps);
                    INDArray logQminusP = w.sq.assign(z).muli(z).subi(w.tmp).subi(w.logVar).sum(1).muli(0.5);
                    fn.graph().run();
                    double[] logW = logQminusP.addi(fn.graph().value(VaeNames.NLL_Z)).negi()
                            .castTo(DataType.DOUBLE).toDoubleVector();
                    for (int r = 0; r < logW.length; r++) {
                        acc[r / m].add(logW[r]);
                    }
                }
                for (int i = 0; i < g; i++) {
                    result[g0 + i] = acc[i].logMean();
                }
            }
        } finally {
            work.values().forEach(Work::close);
        }
        return result;
    }

    /**
     * Work arrays of one importance-sampling block of g images times m draws, reused from block to block, so that a
     * long evaluation does not leave megabytes of native garbage per decoder call for the collector to find.
     */
    private static final class Work implements AutoCloseable {
        final INDArray mu;
        final INDArray logVar;
        final INDArray sigma;
        final INDArray eps;
        final INDArray sq;
        final INDArray tmp;
        /** Conditional models: each row's one-hot label; else null. */
        final INDArray labels;
        private int group = -1;
        private int draws = -1;
        private INDArray target;

        Work(int rows, int latent, int classes, DataType dataType) {
            labels = classes > 0 ? Nd4j.create(dataType, rows, classes) : null;
            mu = Nd4j.create(dataType, rows, latent);
            logVar = Nd4j.create(dataType, rows, latent);
            sigma = Nd4j.create(dataType, rows, latent);
            eps = Nd4j.create(dataType, rows, latent);
            sq = Nd4j.create(dataType, rows, latent);
            tmp = Nd4j.create(dataType, rows, latent);
        }

        /** Each image's inputs and posterior parameters repeated m times, when the group or m changed. */
        void prepare(int g0, int m, INDArray xg, INDArray yg, Encoding enc, INDArray xTarget) {
            if (group == g0 && draws == m && target == xTarget) {
                return;
            }
            int g = (int) xg.size(0);
            if (m <= g) { // row i * m + j is image i: write the j-th draw of every image at once
                for (int j = 0; j < m; j++) {
                    draw(xTarget, g, m, j).assign(xg);
                    draw(mu, g, m, j).assign(enc.mu());
                    draw(logVar, g, m, j).assign(enc.logVar());
                    if (labels != null) {
                        draw(labels, g, m, j).assign(yg);
                    }
                }
            } else {
                for (int i = 0; i < g; i++) {
                    INDArrayIndex block = NDArrayIndex.interval((long) i * m, (long) (i + 1) * m);
                    Dl4jCompat.assignRowToAll(xTarget.get(block, NDArrayIndex.all()), xg.getRow(i));
                    Dl4jCompat.assignRowToAll(mu.get(block, NDArrayIndex.all()), enc.mu().getRow(i));
                    Dl4jCompat.assignRowToAll(logVar.get(block, NDArrayIndex.all()), enc.logVar().getRow(i));
                    if (labels != null) {
                        Dl4jCompat.assignRowToAll(labels.get(block, NDArrayIndex.all()), yg.getRow(i));
                    }
                }
            }
            sigma.assign(logVar).muli(0.5);
            Transforms.exp(sigma, false);
            group = g0;
            draws = m;
            target = xTarget;
        }

        /** Rows j, m + j, 2m + j, ... of a [g * m, width] array: the j-th draw of each of g images, [g, width]. */
        private static INDArray draw(INDArray a, int g, int m, int j) {
            return a.reshape('c', g, m, a.size(1)).get(NDArrayIndex.all(), NDArrayIndex.point(j), NDArrayIndex.all());
        }

        @Override
        public void close() {
            for (INDArray a : new INDArray[] {mu, logVar, sigma, eps, sq, tmp, labels}) {
                if (a != null) {
                    a.close();
                }
            }
        }
    }
}
