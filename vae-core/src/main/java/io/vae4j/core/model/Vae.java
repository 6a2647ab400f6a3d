package io.vae4j.core.model;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.eval.ElboResult;
import io.vae4j.core.eval.Evaluator;
import io.vae4j.core.eval.Forward;
import io.vae4j.core.eval.ImportanceSampler;
import io.vae4j.core.graph.Encoding;
import io.vae4j.core.graph.Inputs;
import io.vae4j.core.graph.Labels;
import io.vae4j.core.graph.LossTerms;
import io.vae4j.core.graph.ModelGraph;
import io.vae4j.core.graph.Noise;
import io.vae4j.core.graph.VaeNames;
import io.vae4j.core.io.ModelFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

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
 * <p>A trainer ({@code io.vae4j.core.train.Trainer}) trains it; the model itself encodes, decodes, samples, interpolates,
 * evaluates, scores and saves. Holds native memory: use it in try-with-resources. Not thread-safe.
 */
public final class Vae implements AutoCloseable {
    private final ModelGraph model;
    private final VaeConfig config;
    private final DataType dataType;
    private final Forward forward;

    private Vae(ModelGraph model) {
        this.model = model;
        this.config = model.config();
        this.dataType = model.dataType();
        this.forward = new Forward(model);
    }

    /** A new, untrained model in single precision. */
    public static Vae create(VaeConfig config) {
        return create(config, DataType.FLOAT);
    }

    /** A new, untrained model; DOUBLE is for gradient checks and reference computations. */
    public static Vae create(VaeConfig config, DataType dataType) {
        return new Vae(ModelGraph.create(config, dataType));
    }

    /**
     * Loads a model written by {@link #save}, with its configuration, parameters, optimizer state and epoch count.
     *
     * @throws IOException naming the file if it is missing, truncated, corrupt or not a model of this project
     */
    public static Vae load(Path file) throws IOException {
        ModelFile.Contents c = ModelFile.read(file);
        return new Vae(ModelGraph.of(c.config(), c.graph(), c.dataType(), c.epochsDone()));
    }

    /**
     * Writes configuration, parameters, optimizer state and epoch count to one file, atomically: a temporary file
     * in the same directory is written and then moved into place, so an interrupted save never leaves a
     * half-written model behind.
     */
    public void save(Path file) throws IOException {
        model.open();
        ModelFile.write(file, config, model.epochsDone(), model.sd());
    }

    public VaeConfig config() {
        return config;
    }

    public DataType dataType() {
        return dataType;
    }

    /** Epochs trained so far, over all runs of this model. */
    public int epochsDone() {
        return model.epochsDone();
    }

    /** The underlying graph, for inspection and advanced use; see {@link VaeNames}. */
    public SameDiff graph() {
        return model.sd();
    }

    /** The graph with its flat parameters and epoch count, as the trainer and the evaluators share it. */
    public ModelGraph modelGraph() {
        return model;
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
        model.open();
        return Evaluator.evaluate(forward, data, noiseSeed);
    }

    /**
     * Reconstruction NLL and KL per example for inputs x and given standard-normal noise eps ([n, latentSize];
     * ignored, may be null, for an autoencoder). z = mu + exp(logvar / 2) * eps.
     */
    public LossTerms lossTerms(INDArray x, INDArray eps) {
        model.open();
        INDArray xf = Inputs.flat(x, config, dataType, "inputs");
        INDArray e = config.variational() ? Inputs.noise(eps, config, dataType) : null;
        if (e != null && e.size(0) != xf.size(0)) {
            throw new IllegalArgumentException("eps has " + e.size(0) + " rows but the inputs have " + xf.size(0));
        }
        return forward.terms(xf, e);
    }

    /** Posterior means and log-variances for a batch of inputs. */
    public Encoding encode(INDArray x) {
        model.open();
        return forward.encode(Inputs.flat(x, config, dataType, "inputs"));
    }

    /** Pixel means decoded from latent codes z, [n, inputSize] (probabilities for the Bernoulli likelihood). */
    public INDArray decode(INDArray z) {
        model.open();
        return forward.decode(z);
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
        Labels.require(label, config);
        int[] labels = new int[Math.max(0, n)];
        Arrays.fill(labels, label);
        return sample(n, seed, labels);
    }

    private INDArray sample(int n, long seed, int[] labels) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        try (Noise rng = new Noise(seed)) {
            INDArray z = rng.normal(n, config.latentSize(), dataType);
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
        return Labels.append(z, config.latentSize(), labels, config, dataType);
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
                    + Arrays.toString(pixels.shape()) + " and " + labels.length);
        }
        return Labels.append(x, config.inputSize(), labels, config, dataType);
    }

    /** Reconstructions: pixel means decoded from the posterior means of x (a conditional model: with x's labels). */
    public INDArray reconstruct(INDArray x) {
        INDArray xf = Inputs.flat(x, config, dataType, "inputs");
        return decode(Labels.decoderInput(encode(xf).mu(), Labels.of(xf, config)));
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
        INDArray labels = config.conditional() ? latentPath(Labels.of(af, config).castTo(DataType.DOUBLE),
                Labels.of(bf, config).castTo(DataType.DOUBLE), steps, Interpolation.LINEAR).castTo(dataType) : null;
        return decode(Labels.decoderInput(path, labels));
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
        model.open();
        return Evaluator.anomalyScores(forward, Inputs.flat(x, config, dataType, "inputs"), samples, config.seed());
    }

    /**
     * Importance-weighted estimate of log p(x) per example with k samples each (see {@link ImportanceSampler}); its
     * negation is the usual "NLL" in nats.
     *
     * @throws UnsupportedOperationException for an autoencoder, which has no posterior to sample
     */
    public double[] importanceWeightedLogLikelihood(INDArray x, int k, long seed) {
        model.open();
        if (!config.variational()) {
            throw new UnsupportedOperationException("the importance-weighted likelihood needs a VAE; this model is a "
                    + "plain autoencoder");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        return ImportanceSampler.logLikelihood(forward, Inputs.flat(x, config, dataType, "inputs"), k, seed);
    }

    /** Releases the native memory of the compiled functions, parameters and optimizer state. */
    @Override
    public void close() {
        if (model.closed()) {
            return;
        }
        forward.close();
        model.close();
    }
}
