package io.vae4j.core.model;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.eval.ElboResult;
import io.vae4j.core.eval.LogSumExp;
import io.vae4j.core.io.ModelFile;
import io.vae4j.core.io.ModelFileException;
import io.vae4j.core.train.EpochSummary;
import io.vae4j.core.train.Trainer;
import io.vae4j.core.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A variational autoencoder (or, with {@link io.vae4j.core.config.ModelKind#AE}, a plain autoencoder) held as a
 * SameDiff graph: encoder to (mu, log sigma^2), the reparameterisation z = mu + exp(log sigma^2 / 2) * eps with
 * eps ~ N(0, I), and a decoder to the likelihood's parameters.
 *
 * <p>The training loss, for a batch of B examples x_b with one z_b ~ q(z|x_b) each, is
 * <pre>
 *   loss = (1/B) sum_b [ -log p(x_b | z_b) + beta * KL(q(z|x_b) || N(0, I)) ]
 *   -log p(x|z) = sum over pixels of the per-pixel NLL (Bernoulli on logits, or Gaussian with fixed variance)
 *   KL          = -1/2 sum over latent units of (1 + log sigma^2 - mu^2 - sigma^2)     (Kingma and Welling 2014, App. B)
 * </pre>
 * that is the negative ELBO summed over pixels and latent units and averaged over the batch; with beta = 1 it is
 * an upper bound on -log p(x) in nats per example. Evaluation always reports it with beta = 1.
 *
 * <p>Holds native memory: use it in try-with-resources. Not thread-safe.
 */
public final class Vae implements AutoCloseable {
    /** Rows per decoder call in importance sampling: bounds memory whatever k and the data size are. */
    private static final int IW_ROWS = Inference.BLOCK;

    private final VaeConfig config;
    private final SameDiff sd;
    private final DataType dataType;
    private final Trainer trainer;
    private final Inference inference;
    private boolean closed;

    private Vae(VaeConfig config, SameDiff sd, DataType dataType, int epochsDone) {
        this.config = config;
        this.sd = sd;
        this.dataType = dataType;
        this.trainer = new Trainer(sd, config, dataType, epochsDone); // first: it moves the parameters
        this.inference = new Inference(sd);
    }

    /** A new, untrained model in single precision. */
    public static Vae create(VaeConfig config) {
        return create(config, DataType.FLOAT);
    }

    /** A new, untrained model; DOUBLE is for gradient checks and reference computations. */
    public static Vae create(VaeConfig config, DataType dataType) {
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
        }
        SameDiff sd = VaeGraph.build(config, dataType);
        sd.setTrainingConfig(TrainingConfig.builder()
                .updater(Trainer.adam(config))
                .dataSetFeatureMapping(config.denoising() ? new String[] {VaeNames.X, VaeNames.X_CLEAN}
                        : new String[] {VaeNames.X})
                .markLabelsUnused()
                .build());
        return new Vae(config, sd, dataType, 0);
    }

    /**
     * Loads a model written by {@link #save}, with its configuration, parameters, optimizer state and epoch count.
     *
     * @throws IOException naming the file if it is missing, truncated, corrupt or not a model of this project
     */
    public static Vae load(Path file) throws IOException {
        ModelFile.Contents c = ModelFile.read(file);
        DataType dt = requireMatchingGraph(file, c.config(), c.graph());
        return new Vae(c.config(), c.graph(), dt, c.epochsDone());
    }

    /**
     * The graph of a model file must be the graph its configuration builds: the same placeholders, the same
     * parameters with the same shapes, in FLOAT or DOUBLE. A mismatch (a configuration edited by hand, a corrupted
     * entry that still parses) would otherwise fail later, deep inside ND4J.
     *
     * @return the graph's data type
     */
    private static DataType requireMatchingGraph(Path file, VaeConfig config, SameDiff graph) throws IOException {
        SDVariable x = graph.hasVariable(VaeNames.X) ? graph.getVariable(VaeNames.X) : null;
        if (x == null || x.dataType() != DataType.FLOAT && x.dataType() != DataType.DOUBLE) {
            throw new ModelFileException(file, "the graph has no FLOAT or DOUBLE input placeholder " + VaeNames.X
                    + "; it is not a vae4j model graph");
        }
        SameDiff expected = VaeGraph.build(config, x.dataType());
        try {
            for (SDVariable v : expected.variables()) {
                VariableType type = v.getVariableType();
                if (type != VariableType.VARIABLE && type != VariableType.PLACEHOLDER) {
                    continue;
                }
                SDVariable got = graph.hasVariable(v.name()) ? graph.getVariable(v.name()) : null;
                if (got == null || got.getVariableType() != type) {
                    throw new ModelFileException(file, "the configuration does not match the graph: the graph has "
                            + "no " + type.name().toLowerCase(java.util.Locale.ROOT) + " " + v.name()
                            + ", which the configuration (" + config.kind() + ", " + config.architecture() + ") needs");
                }
                if (type == VariableType.VARIABLE) {
                    long[] want = v.getArr().shape();
                    INDArray arr = got.getArr();
                    if (arr == null || !java.util.Arrays.equals(want, arr.shape())) {
                        throw new ModelFileException(file, "the configuration does not match the graph: parameter "
                                + v.name() + " is " + (arr == null ? "missing" : java.util.Arrays.toString(arr.shape()))
                                + " in the graph but " + java.util.Arrays.toString(want) + " for the configuration "
                                + "(latentSize " + config.latentSize() + ", hidden " + config.encoderHidden()
                                + ", input " + config.channels() + "x" + config.height() + "x" + config.width() + ")");
                    }
                }
            }
            for (SDVariable v : graph.variables()) {
                if (v.getVariableType() == VariableType.VARIABLE && !expected.hasVariable(v.name())) {
                    throw new ModelFileException(file, "the configuration does not match the graph: the graph has a "
                            + "parameter " + v.name() + " that the configuration does not build");
                }
            }
        } finally {
            for (SDVariable v : expected.variables()) {
                INDArray a = v.getVariableType() == VariableType.VARIABLE ? v.getArr() : null;
                if (a != null && a.closeable()) {
                    a.close();
                }
            }
        }
        return x.dataType();
    }

    /**
     * Writes configuration, parameters, optimizer state and epoch count to one file, atomically: a temporary file
     * in the same directory is written and then moved into place, so an interrupted save never leaves a
     * half-written model behind.
     */
    public void save(Path file) throws IOException {
        open();
        trainer.writeOptimizerState();
        ModelFile.write(file, config, trainer.epochsDone(), sd);
    }

    public VaeConfig config() {
        return config;
    }

    public DataType dataType() {
        return dataType;
    }

    /** Epochs trained so far, over all runs of this model. */
    public int epochsDone() {
        return trainer.epochsDone();
    }

    /** The underlying graph, for inspection and advanced use; see {@link VaeNames}. */
    public SameDiff graph() {
        return sd;
    }

    /**
     * Trains for {@code epochs} more epochs over {@code data}, which is reset before each epoch.
     *
     * <p>Each epoch is deterministic given the configuration's seed and the epoch index: the noise generator is
     * re-seeded at the start of every epoch, so a model saved after epoch n and trained on from there continues
     * exactly as the uninterrupted run (given an iterator that yields the same batches for the same epoch).
     * The KL weight of each epoch follows {@link VaeConfig#betaAt}. The steps run as {@link Trainer} compiles
     * them: the same computation as {@code SameDiff.fit}, without its per-step overhead.
     *
     * @param data      batches of inputs, [n, inputSize] or [n, c, h, w], n <= batchSize; labels are ignored
     * @param listeners progress callbacks
     * @return one summary per epoch
     * @throws TrainingDivergedException if the loss becomes NaN or infinite
     */
    public List<EpochSummary> fit(DataSetIterator data, int epochs, TrainingListener... listeners) {
        open();
        return trainer.fit(data, epochs, listeners);
    }

    /**
     * Builds and compiles the training step now rather than in the first call of {@link #fit}; see
     * {@link Trainer#prepare}.
     *
     * @return the seconds it took
     */
    public double prepareTraining() {
        open();
        return trainer.prepare();
    }

    /**
     * The -ELBO of a data set with beta = 1, in nats per example, with one z ~ q(z|x) per example drawn from a
     * generator seeded with the configuration's seed, batch by batch: repeated evaluations of the same batches
     * agree exactly; another batching draws other (equally distributed) noise.
     */
    public ElboResult evaluate(DataSetIterator data) {
        return evaluate(data, config.seed());
    }

    /** As {@link #evaluate(DataSetIterator)}, with the noise seeded by {@code noiseSeed}. */
    public ElboResult evaluate(DataSetIterator data, long noiseSeed) {
        open();
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
                LossTerms t = terms(x, noise(rng, x.size(0)));
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
     * Reconstruction NLL and KL per example for inputs x and given standard-normal noise eps ([n, latentSize];
     * ignored, may be null, for an autoencoder). z = mu + exp(logvar / 2) * eps.
     */
    public LossTerms lossTerms(INDArray x, INDArray eps) {
        open();
        INDArray xf = Inputs.flat(x, config, dataType, "inputs");
        INDArray e = config.variational() ? Inputs.noise(eps, config, dataType) : null;
        if (e != null && e.size(0) != xf.size(0)) {
            throw new IllegalArgumentException("eps has " + e.size(0) + " rows but the inputs have " + xf.size(0));
        }
        return terms(xf, e);
    }

    private LossTerms terms(INDArray x, INDArray eps) {
        if (!config.variational()) {
            INDArray recon = inference.single(Map.of(VaeNames.X, x), VaeNames.RECON_EPS);
            return new LossTerms(recon, Nd4j.zeros(recon.dataType(), recon.length()));
        }
        Map<String, INDArray> out = inference.run(Map.of(VaeNames.X, x, VaeNames.EPS, eps),
                VaeNames.RECON_EPS, VaeNames.KL);
        return new LossTerms(out.get(VaeNames.RECON_EPS), out.get(VaeNames.KL));
    }

    /** Posterior means and log-variances for a batch of inputs. */
    public Encoding encode(INDArray x) {
        open();
        INDArray xf = Inputs.flat(x, config, dataType, "inputs");
        if (!config.variational()) {
            return new Encoding(inference.single(Map.of(VaeNames.X, xf), VaeNames.MU), null);
        }
        Map<String, INDArray> out = inference.run(Map.of(VaeNames.X, xf), VaeNames.MU, VaeNames.LOGVAR);
        return new Encoding(out.get(VaeNames.MU), out.get(VaeNames.LOGVAR));
    }

    /** Pixel means decoded from latent codes z, [n, inputSize] (probabilities for the Bernoulli likelihood). */
    public INDArray decode(INDArray z) {
        open();
        return inference.single(Map.of(VaeNames.Z_IN, Inputs.latent(z, config, dataType)), VaeNames.MEAN_Z);
    }

    /**
     * n images decoded from z ~ N(0, I), drawn from a generator seeded with {@code seed}. A conditional model
     * draws the labels in turn: image i has label i mod classes.
     */
    public INDArray sample(int n, long seed) {
        int[] labels = new int[Math.max(0, n)];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = config.conditional() ? i % config.classes() : 0;
        }
        return sample(n, seed, labels);
    }

    /**
     * n images of one label decoded from z ~ N(0, I) (the same z as {@link #sample(int, long)} draws).
     *
     * @throws IllegalArgumentException if the model is not conditional or the label is out of range
     */
    public INDArray sample(int n, long seed, int label) {
        requireLabel(label);
        int[] labels = new int[Math.max(0, n)];
        java.util.Arrays.fill(labels, label);
        return sample(n, seed, labels);
    }

    private INDArray sample(int n, long seed, int[] labels) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        try (Noise rng = new Noise(seed)) {
            INDArray z = noise(rng, n);
            return decode(config.conditional() ? withLabels(z, labels) : z);
        }
    }

    /**
     * The decoder input of a conditional model: each row of z ([n, latentSize]) followed by the one-hot label,
     * [n, latentSize + classes].
     */
    public INDArray withLabels(INDArray z, int[] labels) {
        if (!config.conditional()) {
            throw new IllegalArgumentException("this model is not conditional (kind " + config.kind()
                    + "): its decoder takes z alone");
        }
        if (z.size(0) != labels.length) {
            throw new IllegalArgumentException(z.size(0) + " codes but " + labels.length + " labels");
        }
        return withOneHot(z, config.latentSize(), labels);
    }

    /** [head | one-hot labels], head [n, width]. */
    private INDArray withOneHot(INDArray head, int width, int[] labels) {
        INDArray out = Nd4j.create(dataType, labels.length, width + config.classes());
        out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, width)).assign(head);
        for (int i = 0; i < labels.length; i++) {
            requireLabel(labels[i]);
            out.putScalar(i, width + labels[i], 1.0);
        }
        return out;
    }

    /** The inputs of a conditional model: each image row followed by its one-hot label, [n, featureSize]. */
    public INDArray withLabelsIn(INDArray pixels, int[] labels) {
        if (!config.conditional()) {
            throw new IllegalArgumentException("this model is not conditional (kind " + config.kind()
                    + "): its input is the pixels alone");
        }
        INDArray x = pixels.reshape(pixels.size(0), -1);
        if (x.size(1) != config.inputSize() || x.size(0) != labels.length) {
            throw new IllegalArgumentException("need [n, " + config.inputSize() + "] pixels and n labels, got "
                    + java.util.Arrays.toString(pixels.shape()) + " and " + labels.length);
        }
        return withOneHot(x, config.inputSize(), labels);
    }

    private void requireLabel(int label) {
        if (!config.conditional()) {
            throw new IllegalArgumentException("this model is not conditional (kind " + config.kind()
                    + "); only a model trained with --kind cvae generates a chosen digit");
        }
        if (label < 0 || label >= config.classes()) {
            throw new IllegalArgumentException("label must be in [0, " + (config.classes() - 1) + "], got " + label);
        }
    }

    /** The label part of conditional inputs [n, featureSize] (or null for a model that is not conditional). */
    private INDArray labelsOf(INDArray xf) {
        return config.conditional()
                ? xf.get(NDArrayIndex.all(), NDArrayIndex.interval(config.inputSize(), config.featureSize()))
                : null;
    }

    /** z followed by the labels' one-hot rows for a conditional model, else z. */
    private INDArray decoderInput(INDArray z, INDArray labels) {
        return labels == null ? z : Nd4j.hstack(z, labels.castTo(z.dataType()));
    }

    /** Reconstructions: pixel means decoded from the posterior means of x (a conditional model: with x's labels). */
    public INDArray reconstruct(INDArray x) {
        INDArray xf = Inputs.flat(x, config, dataType, "inputs");
        return decode(decoderInput(encode(xf).mu(), labelsOf(xf)));
    }

    /**
     * Decoded images along a path between the posterior means of two inputs, {@code steps} points including both
     * ends, [steps, inputSize].
     */
    public INDArray interpolate(INDArray a, INDArray b, int steps, Interpolation mode) {
        if (steps < 2) {
            throw new IllegalArgumentException("steps must be >= 2, got " + steps);
        }
        INDArray af = Inputs.flat(a, config, dataType, "first input");
        INDArray bf = Inputs.flat(b, config, dataType, "second input");
        INDArray za = encode(af).mu().castTo(DataType.DOUBLE);
        INDArray zb = encode(bf).mu().castTo(DataType.DOUBLE);
        if (za.size(0) != 1 || zb.size(0) != 1) {
            throw new IllegalArgumentException("interpolate takes one input at each end, got " + za.size(0)
                    + " and " + zb.size(0));
        }
        INDArray path = latentPath(za, zb, steps, mode).castTo(dataType);
        // a conditional model's label moves linearly from a's to b's along the way
        INDArray labels = config.conditional() ? latentPath(labelsOf(af).castTo(DataType.DOUBLE),
                labelsOf(bf).castTo(DataType.DOUBLE), steps, Interpolation.LINEAR).castTo(dataType) : null;
        return decode(decoderInput(path, labels));
    }

    /** Codes along a linear or spherical path from za to zb ([1, L] each), [steps, L]. */
    static INDArray latentPath(INDArray za, INDArray zb, int steps, Interpolation mode) {
        double omega = 0;
        if (mode == Interpolation.SPHERICAL) {
            double cos = za.mul(zb).sumNumber().doubleValue() / (za.norm2Number().doubleValue()
                    * zb.norm2Number().doubleValue());
            omega = Math.acos(Math.max(-1, Math.min(1, cos)));
        }
        INDArray path = Nd4j.create(DataType.DOUBLE, steps, za.size(1));
        for (int i = 0; i < steps; i++) {
            double t = (double) i / (steps - 1);
            double wa = 1 - t;
            double wb = t;
            if (mode == Interpolation.SPHERICAL && Math.sin(omega) > 1e-6) {
                wa = Math.sin((1 - t) * omega) / Math.sin(omega);
                wb = Math.sin(t * omega) / Math.sin(omega);
            }
            path.putRow(i, za.mul(wa).addi(zb.mul(wb)));
        }
        return path;
    }

    /**
     * Anomaly score per example: the -ELBO (beta = 1) averaged over {@code samples} draws of z ~ q(z|x), noise
     * seeded with the configuration's seed. For an autoencoder, the reconstruction NLL at z = mu. Higher means
     * less like the training data.
     */
    public double[] anomalyScores(INDArray x, int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        open();
        INDArray xf = Inputs.flat(x, config, dataType, "inputs");
        double[] scores = new double[(int) xf.size(0)];
        int draws = config.variational() ? samples : 1; // an autoencoder's score has no noise
        try (Noise rng = new Noise(config.seed())) {
            for (int s = 0; s < draws; s++) {
                double[] v = terms(xf, config.variational() ? noise(rng, xf.size(0)) : null).negElbo()
                        .castTo(DataType.DOUBLE).toDoubleVector();
                for (int i = 0; i < scores.length; i++) {
                    scores[i] += v[i] / draws;
                }
            }
        }
        return scores;
    }

    /**
     * Importance-weighted estimate of log p(x) per example (Burda et al. 2016):
     * <pre>
     *   log p(x) ~ log (1/k) sum_i p(x | z_i) p(z_i) / q(z_i | x),   z_i ~ q(z | x)
     * </pre>
     * computed as a streaming log-sum-exp in double precision over chunks of at most 4096 decoder rows, so any
     * k and any number of examples fit in bounded memory. k = 1 gives an unbiased estimate of the ELBO; the
     * estimate rises towards log p(x) as k grows. Its negation is the usual "NLL" in nats.
     *
     * @throws UnsupportedOperationException for an autoencoder, which has no posterior to sample
     */
    public double[] importanceWeightedLogLikelihood(INDArray x, int k, long seed) {
        open();
        if (!config.variational()) {
            throw new UnsupportedOperationException("the importance-weighted likelihood needs a VAE; this model is a "
                    + "plain autoencoder");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        INDArray xf = Inputs.flat(x, config, dataType, "inputs");
        int n = (int) xf.size(0);
        int l = config.latentSize();
        double[] result = new double[n];
        int group = Math.max(1, Math.min(n, IW_ROWS / k));
        int chunk = Math.min(k, IW_ROWS / group);
        Map<Integer, IwWork> work = new java.util.HashMap<>();
        try (Noise rng = new Noise(seed)) {
            for (int g0 = 0; g0 < n; g0 += group) {
                int g = Math.min(group, n - g0);
                INDArray xg = xf.get(NDArrayIndex.interval(g0, g0 + g), NDArrayIndex.all());
                INDArray pixels = config.conditional()
                        ? xg.get(NDArrayIndex.all(), NDArrayIndex.interval(0, config.inputSize())) : xg;
                Encoding enc = encode(xg);
                LogSumExp[] acc = new LogSumExp[g];
                for (int i = 0; i < g; i++) {
                    acc[i] = new LogSumExp();
                }
                for (int done = 0; done < k; done += chunk) {
                    int m = Math.min(chunk, k - done);
                    int rows = g * m;
                    Inference.Compiled fn = inference.compiled(Map.of(VaeNames.Z_IN, decoderInput(enc.mu(),
                            labelsOf(xg)), VaeNames.X_TARGET, pixels), rows, VaeNames.NLL_Z);
                    IwWork w = work.computeIfAbsent(rows, r -> new IwWork(r, l, config.classes(), dataType));
                    w.prepare(g0, m, pixels, labelsOf(xg), enc, fn.inputs().get(VaeNames.X_TARGET));
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
            work.values().forEach(IwWork::close);
        }
        return result;
    }

    /**
     * Work arrays of one importance-sampling block of g images times m draws, reused from block to block, so that a
     * long evaluation does not leave megabytes of native garbage per decoder call for the collector to find.
     */
    private static final class IwWork implements AutoCloseable {
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

        IwWork(int rows, int latent, int classes, DataType dataType) {
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
            } else { // assign() does not broadcast a row in M2.1; a row-vector add does
                for (int i = 0; i < g; i++) {
                    org.nd4j.linalg.indexing.INDArrayIndex block = NDArrayIndex.interval((long) i * m,
                            (long) (i + 1) * m);
                    xTarget.get(block, NDArrayIndex.all()).assign(0).addiRowVector(xg.getRow(i));
                    mu.get(block, NDArrayIndex.all()).assign(0).addiRowVector(enc.mu().getRow(i));
                    logVar.get(block, NDArrayIndex.all()).assign(0).addiRowVector(enc.logVar().getRow(i));
                    if (labels != null) {
                        labels.get(block, NDArrayIndex.all()).assign(0).addiRowVector(yg.getRow(i));
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

    private INDArray noise(Noise rng, long rows) {
        return rng.normal(rows, config.latentSize(), dataType);
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("this model has been closed");
        }
    }

    /** Releases the native memory of the parameters and optimizer state. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inference.close();
        trainer.close();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE || v.getVariableType() == VariableType.CONSTANT) {
                INDArray arr = v.getArr();
                if (arr != null && arr.closeable()) {
                    arr.close();
                }
            }
        }
    }
}
