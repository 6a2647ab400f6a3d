package io.vae4j.core.eval;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.graph.Inputs;
import io.vae4j.core.graph.LossTerms;
import io.vae4j.core.graph.Noise;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** The -ELBO of a data set and the per-example anomaly scores, from a model's {@link Forward} computations. */
public final class Evaluator {
    private Evaluator() {
    }

    /**
     * The -ELBO of a data set with beta = 1, in nats per example, with one z ~ q(z|x) per example drawn from a
     * generator seeded with {@code noiseSeed}, batch by batch: repeated evaluations of the same batches agree
     * exactly; another batching draws other (equally distributed) noise.
     */
    public static ElboResult evaluate(Forward forward, DataSetIterator data, long noiseSeed) {
        VaeConfig config = forward.model().config();
        DataType dataType = forward.model().dataType();
        if (data.resetSupported()) {
            data.reset();
        }
        double recon = 0;
        double kl = 0;
        long n = 0;
        try (Noise rng = new Noise(noiseSeed)) {
            long batch = 0;
            while (data.hasNext()) {
                DataSet ds = data.next();
                INDArray x = Inputs.flat(ds.getFeatures(), config, dataType, "evaluation batch " + batch++);
                LossTerms t = forward.terms(x, config.variational() ? rng.normal(x.size(0), config.latentSize(),
                        dataType) : null);
                recon += t.reconstruction().castTo(DataType.DOUBLE).sumNumber().doubleValue();
                kl += t.kl().castTo(DataType.DOUBLE).sumNumber().doubleValue();
                n += x.size(0);
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("the evaluation data set is empty");
        }
        return new ElboResult((recon + kl) / n, recon / n, kl / n, n);
    }

    /**
     * Anomaly score per example of flat inputs: the -ELBO (beta = 1) averaged over {@code samples} draws of
     * z ~ q(z|x), noise seeded with {@code seed}. For an autoencoder, the reconstruction NLL at z = mu. Higher means
     * less like the training data.
     */
    public static double[] anomalyScores(Forward forward, INDArray xf, int samples, long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        VaeConfig config = forward.model().config();
        double[] scores = new double[(int) xf.size(0)];
        int draws = config.variational() ? samples : 1; // an autoencoder's score has no noise
        try (Noise rng = new Noise(seed)) {
            for (int s = 0; s < draws; s++) {
                INDArray eps = config.variational() ? rng.normal(xf.size(0), config.latentSize(),
                        forward.model().dataType()) : null;
                double[] v = forward.terms(xf, eps).negElbo().castTo(DataType.DOUBLE).toDoubleVector();
                for (int i = 0; i < scores.length; i++) {
                    scores[i] += v[i] / draws;
                }
            }
        }
        return scores;
    }
}
