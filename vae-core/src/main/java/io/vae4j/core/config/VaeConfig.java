package io.vae4j.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that defines a VAE (or plain autoencoder) model and its training: the input shape, the encoder and
 * decoder, the latent size, the likelihood, the KL weight and its warm-up, and the optimizer settings.
 *
 * <p>Immutable; every value is checked when the record is built, and a bad one is rejected with a message naming
 * the field, the allowed range and the value found. Build one with {@link #builder()}: required values are set
 * with {@code set*}, optional ones with {@code opt*}; the defaults are the PyTorch example's protocol
 * (MLP 784-400-20, ReLU, Bernoulli, Adam 1e-3, batch 128).
 *
 * @param channels         input channels (1 for grey-scale images and for plain vectors)
 * @param height           input height (1 for plain vectors)
 * @param width            input width (the vector length for plain vectors)
 * @param architecture     MLP or CONV (CONV needs height and width divisible by 2 per conv layer)
 * @param encoderHidden    sizes of the encoder's fully connected hidden layers, input side first
 * @param decoderHidden    sizes of the decoder's fully connected hidden layers, latent side first
 * @param convChannels     CONV only: output channels of each stride-2 conv layer (4x4 kernels, padding 1)
 * @param activation       hidden-layer nonlinearity
 * @param latentSize       dimension of z
 * @param likelihood       the decoder's observation model
 * @param gaussianVariance GAUSSIAN only: the fixed per-pixel variance of p(x|z)
 * @param kind             VAE, or AE for a deterministic autoencoder with no KL term
 * @param beta             weight of the KL term (ignored for AE)
 * @param warmupEpochs     epochs over which the KL weight rises linearly from 0 to beta (0: no warm-up)
 * @param learningRate     Adam learning rate
 * @param batchSize        training mini-batch size, also the largest batch one training step accepts
 * @param seed             seed of initialisation, training noise and shuffling
 * @param classes          CVAE only: the number of labels, one-hot after the pixels (0 for the other kinds)
 * @param corruption       for a denoising model, how training corrupts the encoder's input (the likelihood
 *                         scores the clean image); {@link Corruption#NONE} otherwise (and when absent from a saved
 *                         configuration)
 * @param objective        the training objective, ELBO or the importance-weighted bound (ELBO when absent from a
 *                         saved configuration)
 * @param samples          draws of z per example in each training step, 1 to {@value #MAX_SAMPLES} (1 when absent)
 */
public record VaeConfig(
        int channels, int height, int width,
        Architecture architecture,
        List<Integer> encoderHidden,
        List<Integer> decoderHidden,
        List<Integer> convChannels,
        Activation activation,
        int latentSize,
        Likelihood likelihood,
        double gaussianVariance,
        ModelKind kind,
        double beta,
        int warmupEpochs,
        double learningRate,
        int batchSize,
        long seed,
        int classes,
        Corruption corruption,
        Objective objective,
        int samples) {

    /** Largest accepted size of any one dimension or layer, to catch typos before they allocate gigabytes. */
    public static final int MAX_SIZE = 1 << 16;
    /** Largest accepted number of draws of z per training example (the IWAE paper goes to 50). */
    public static final int MAX_SAMPLES = 1000;

    public VaeConfig {
        positive("channels", channels);
        positive("height", height);
        positive("width", width);
        if ((long) channels * height * width > MAX_SIZE * 16L) {
            throw invalid("input size (channels*height*width)", "<= " + MAX_SIZE * 16L,
                    (long) channels * height * width);
        }
        notNull("architecture", architecture);
        notNull("activation", activation);
        notNull("likelihood", likelihood);
        notNull("kind", kind);
        encoderHidden = sizes("encoderHidden", encoderHidden);
        decoderHidden = sizes("decoderHidden", decoderHidden);
        convChannels = sizes("convChannels", convChannels);
        positive("latentSize", latentSize);
        if (architecture == Architecture.CONV) {
            if (convChannels.isEmpty()) {
                throw new IllegalArgumentException("convChannels must name at least one conv layer for "
                        + "architecture CONV, got none");
            }
            int factor = 1 << convChannels.size();
            if (height % factor != 0 || width % factor != 0 || height < factor || width < factor) {
                throw new IllegalArgumentException("input height and width must be divisible by " + factor
                        + " for " + convChannels.size() + " stride-2 conv layers, got " + height + "x" + width
                        + "; use fewer convChannels or architecture MLP");
            }
        }
        if (likelihood == Likelihood.GAUSSIAN) {
            finitePositive("gaussianVariance", gaussianVariance);
        }
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw invalid("beta", "a finite number >= 0", beta);
        }
        if (warmupEpochs < 0) {
            throw invalid("warmupEpochs", ">= 0", warmupEpochs);
        }
        if (!(learningRate > 0 && learningRate <= 10)) {
            throw invalid("learningRate", "in (0, 10]", learningRate);
        }
        if (batchSize < 1 || batchSize > MAX_SIZE) {
            throw invalid("batchSize", "in [1, " + MAX_SIZE + "]", batchSize);
        }
        if (corruption == null) {
            corruption = Corruption.NONE;
        }
        if (objective == null) {
            objective = Objective.ELBO;
        }
        if (samples == 0) {
            samples = 1; // absent from a saved configuration
        }
        if (samples < 1 || samples > MAX_SAMPLES) {
            throw invalid("samples", "in [1, " + MAX_SAMPLES + "]", samples);
        }
        if (kind == ModelKind.AE && (samples > 1 || objective == Objective.IWAE)) {
            throw new IllegalArgumentException("an autoencoder (kind AE) has no posterior to draw from: it trains "
                    + "with objective ELBO and samples 1, got " + objective + " and " + samples);
        }
        if (objective == Objective.IWAE && (beta != 1 || warmupEpochs != 0)) {
            throw new IllegalArgumentException("the importance-weighted bound (objective IWAE) has no KL term to "
                    + "weight: it needs beta 1 and warmupEpochs 0, got " + beta + " and " + warmupEpochs);
        }
        if (kind == ModelKind.CVAE) {
            if (classes < 2 || classes > MAX_SIZE) {
                throw invalid("classes", "in [2, " + MAX_SIZE + "] for the conditional VAE", classes);
            }
            if (corruption.active()) {
                throw new IllegalArgumentException("a conditional VAE (kind CVAE) cannot be trained as a denoising "
                        + "model in this version; drop the corruption or use kind VAE");
            }
        } else {
            classes = 0; // only a conditional model has labels
        }
    }

    /** Whether encoder and decoder receive a one-hot label (the conditional VAE). */
    public boolean conditional() {
        return kind == ModelKind.CVAE;
    }

    /** Values per example the model takes: the pixels, followed for a conditional model by the one-hot label. */
    public int featureSize() {
        return inputSize() + classes;
    }

    /** Values per row the decoder takes: z, followed for a conditional model by the one-hot label. */
    public int decoderInputSize() {
        return latentSize + classes;
    }

    /** Whether a training step draws more than one z per example or trains on the importance-weighted bound. */
    public boolean multiSample() {
        return samples > 1 || objective == Objective.IWAE;
    }

    /** Whether this is a denoising model: training corrupts the encoder's input. */
    public boolean denoising() {
        return corruption.active();
    }

    /** Number of input values per example, channels * height * width. */
    public int inputSize() {
        return channels * height * width;
    }

    /** Whether the model has a stochastic latent code and a KL term. */
    public boolean variational() {
        return kind != ModelKind.AE;
    }

    /**
     * The KL weight used in a given epoch (0-based): beta, or during warm-up beta * epoch / warmupEpochs, so the
     * first epoch trains without the KL term and epoch {@code warmupEpochs} reaches beta. Always 0 for AE.
     */
    public double betaAt(int epoch) {
        if (!variational()) {
            return 0;
        }
        if (warmupEpochs == 0 || epoch >= warmupEpochs) {
            return beta;
        }
        return beta * Math.max(0, epoch) / warmupEpochs;
    }

    /** A builder with the reference defaults for 1x28x28 inputs and a latent size of 20. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.channels = channels;
        b.height = height;
        b.width = width;
        b.architecture = architecture;
        b.encoderHidden = encoderHidden;
        b.decoderHidden = decoderHidden;
        b.convChannels = convChannels;
        b.activation = activation;
        b.latentSize = latentSize;
        b.likelihood = likelihood;
        b.gaussianVariance = gaussianVariance;
        b.kind = kind;
        b.beta = beta;
        b.warmupEpochs = warmupEpochs;
        b.learningRate = learningRate;
        b.batchSize = batchSize;
        b.seed = seed;
        b.corruption = corruption;
        b.objective = objective;
        b.samples = samples;
        b.classes = classes == 0 ? 10 : classes;
        return b;
    }

    private static void positive(String field, int value) {
        if (value < 1 || value > MAX_SIZE) {
            throw invalid(field, "in [1, " + MAX_SIZE + "]", value);
        }
    }

    private static void finitePositive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw invalid(field, "a finite number > 0", value);
        }
    }

    private static void notNull(String field, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must be set, got null");
        }
    }

    private static List<Integer> sizes(String field, List<Integer> values) {
        notNull(field, values);
        List<Integer> copy = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            Integer v = values.get(i);
            if (v == null || v < 1 || v > MAX_SIZE) {
                throw invalid(field + "[" + i + "]", "in [1, " + MAX_SIZE + "]", v);
            }
            copy.add(v);
        }
        return List.copyOf(copy);
    }

    private static IllegalArgumentException invalid(String field, String allowed, Object got) {
        return new IllegalArgumentException(field + " must be " + allowed + ", got " + got);
    }

    /** Builder for {@link VaeConfig}; see the record's documentation for each value. */
    public static final class Builder {
        private int channels = 1;
        private int height = 28;
        private int width = 28;
        private Architecture architecture = Architecture.MLP;
        private List<Integer> encoderHidden = List.of(400);
        private List<Integer> decoderHidden;
        private List<Integer> convChannels = List.of(32, 64);
        private Activation activation = Activation.RELU;
        private int latentSize = 20;
        private Likelihood likelihood = Likelihood.BERNOULLI;
        private double gaussianVariance = 1.0;
        private ModelKind kind = ModelKind.VAE;
        private double beta = 1.0;
        private int warmupEpochs = 0;
        private double learningRate = 1e-3;
        private int batchSize = 128;
        private long seed = 42;
        private Corruption corruption = Corruption.NONE;
        private Objective objective = Objective.ELBO;
        private int samples = 1;
        private int classes = 10;

        private Builder() {
        }

        /** Image inputs: channels x height x width. */
        public Builder setInputShape(int channels, int height, int width) {
            this.channels = channels;
            this.height = height;
            this.width = width;
            return this;
        }

        /** Plain vector inputs of the given length (shape 1 x 1 x size). */
        public Builder setInputSize(int size) {
            return setInputShape(1, 1, size);
        }

        public Builder setLatentSize(int latentSize) {
            this.latentSize = latentSize;
            return this;
        }

        public Builder optArchitecture(Architecture architecture) {
            this.architecture = architecture;
            return this;
        }

        /** Encoder hidden sizes; unless set separately, the decoder mirrors them. */
        public Builder optEncoderHidden(List<Integer> sizes) {
            this.encoderHidden = sizes;
            return this;
        }

        public Builder optDecoderHidden(List<Integer> sizes) {
            this.decoderHidden = sizes;
            return this;
        }

        public Builder optConvChannels(List<Integer> channels) {
            this.convChannels = channels;
            return this;
        }

        public Builder optActivation(Activation activation) {
            this.activation = activation;
            return this;
        }

        public Builder optLikelihood(Likelihood likelihood) {
            this.likelihood = likelihood;
            return this;
        }

        public Builder optGaussianVariance(double variance) {
            this.gaussianVariance = variance;
            return this;
        }

        public Builder optKind(ModelKind kind) {
            this.kind = kind;
            return this;
        }

        public Builder optBeta(double beta) {
            this.beta = beta;
            return this;
        }

        public Builder optWarmupEpochs(int epochs) {
            this.warmupEpochs = epochs;
            return this;
        }

        public Builder optLearningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** CVAE only: the number of labels (default 10, the digits). */
        public Builder optClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /** Makes a denoising model: training corrupts the encoder's input this way. */
        public Builder optCorruption(Corruption corruption) {
            this.corruption = corruption;
            return this;
        }

        /**
         * The training objective and the draws of z per example it is estimated with (default ELBO, 1). IWAE
         * with K draws trains on the importance-weighted bound; ELBO with K draws averages the reconstruction term
         * over them.
         */
        public Builder optObjective(Objective objective, int samples) {
            if (samples < 1) {
                throw invalid("samples", "in [1, " + MAX_SAMPLES + "]", samples);
            }
            this.objective = objective;
            this.samples = samples;
            return this;
        }

        public VaeConfig build() {
            List<Integer> decoder = decoderHidden;
            if (decoder == null && encoderHidden != null) {
                decoder = new ArrayList<>(encoderHidden);
                java.util.Collections.reverse(decoder);
            }
            return new VaeConfig(channels, height, width, architecture, encoderHidden, decoder, convChannels,
                    activation, latentSize, likelihood, gaussianVariance, kind, beta, warmupEpochs, learningRate,
                    batchSize, seed, classes, corruption, objective, samples);
        }
    }
}
