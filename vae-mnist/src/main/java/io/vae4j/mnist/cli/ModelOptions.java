package io.vae4j.mnist.cli;

import io.vae4j.core.config.Activation;
import io.vae4j.core.config.Architecture;
import io.vae4j.core.config.Corruption;
import io.vae4j.core.config.Likelihood;
import io.vae4j.core.config.ModelKind;
import io.vae4j.core.config.Objective;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.mnist.data.Binarization;
import java.util.List;
import java.util.Map;
import io.vae4j.mnist.run.RunSettings;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Every model and training setting of vae-core as a flag; the defaults are the reference protocol. */
public final class ModelOptions {
    /** Flag for each configuration field, so errors from the configuration can name the flag to change. */
    static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("latentSize", "--latent"), Map.entry("encoderHidden", "--hidden"),
            Map.entry("decoderHidden", "--decoder-hidden"), Map.entry("convChannels", "--conv-channels"),
            Map.entry("beta", "--beta"), Map.entry("warmupEpochs", "--warmup"),
            Map.entry("learningRate", "--lr"), Map.entry("batchSize", "--batch-size"),
            Map.entry("gaussianVariance", "--gaussian-variance"), Map.entry("input height", "--arch"),
            Map.entry("samples", "--samples"),
            Map.entry("the importance-weighted bound", "--objective iwae with --beta and --warmup"),
            Map.entry("an autoencoder (kind AE) has no posterior", "--kind ae with --objective and --samples"));

    @Option(names = "--kind", paramLabel = "vae|ae|cvae", description = "The model kind: VAE, the plain "
            + "autoencoder (z = mu, no KL), or the conditional VAE (encoder and decoder also receive the one-hot "
            + "digit). Default: ${DEFAULT-VALUE}. (--model always names a trained model.)",
            defaultValue = "vae")
    ModelKind kind;

    @Option(names = "--corrupt", paramLabel = "KIND:LEVEL", defaultValue = "none",
            converter = CorruptionConverter.class,
            description = "Train a denoising model: the encoder sees the image corrupted by gaussian:SIGMA (added "
                    + "noise, clipped to [0,1]), saltpepper:P or mask:P (pixels set to 0), drawn afresh each epoch; "
                    + "the likelihood scores the clean image. Default: ${DEFAULT-VALUE}.")
    Corruption corrupt;

    @Option(names = "--arch", paramLabel = "mlp|conv", description = "Encoder/decoder: fully connected, or conv2d "
            + "encoder and deconv2d decoder. Default: ${DEFAULT-VALUE}.", defaultValue = "mlp")
    Architecture architecture;

    @Option(names = "--hidden", split = ",", paramLabel = "N[,N...]",
            description = "Encoder hidden sizes (the decoder mirrors them). Default: 400.")
    List<Integer> hidden = List.of(400);

    @Option(names = "--decoder-hidden", split = ",", paramLabel = "N[,N...]",
            description = "Decoder hidden sizes, if not the mirror of --hidden.")
    List<Integer> decoderHidden;

    @Option(names = "--conv-channels", split = ",", paramLabel = "C[,C...]",
            description = "Channels of the stride-2 conv layers (conv only). Default: 32,64.")
    List<Integer> convChannels = List.of(32, 64);

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "relu",
            description = "Hidden activation: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    Activation activation;

    /** A conditional model's latent size unless --latent says otherwise (docs/conditional.md says why). */
    static final int CONDITIONAL_LATENT = 2;
    static final int DEFAULT_LATENT = 20;

    @Option(names = "--latent", paramLabel = "N", description = "Latent size. Default: " + DEFAULT_LATENT + ", and "
            + CONDITIONAL_LATENT + " for --kind cvae: the label carries the digit, and a small z that holds only "
            + "the style leaves the label in charge (--latent 20 is the earlier conditional default).")
    Integer latent;

    /** The latent size: --latent, else the kind's default. */
    int latentSize() {
        return latent != null ? latent : kind == ModelKind.CVAE ? CONDITIONAL_LATENT : DEFAULT_LATENT;
    }

    @Option(names = "--likelihood", paramLabel = "bernoulli|gaussian", defaultValue = "bernoulli",
            description = "p(x|z): Bernoulli on logits, or Gaussian with fixed variance. Default: ${DEFAULT-VALUE}.")
    Likelihood likelihood;

    @Option(names = "--gaussian-variance", paramLabel = "V", defaultValue = "1.0",
            description = "Variance of the Gaussian likelihood. Default: ${DEFAULT-VALUE}.")
    double gaussianVariance;

    @Option(names = "--beta", paramLabel = "B", defaultValue = "1.0", description = "KL weight. Default: "
            + "${DEFAULT-VALUE}.")
    double beta;

    @Option(names = "--warmup", paramLabel = "EPOCHS", defaultValue = "0",
            description = "Raise the KL weight linearly from 0 to beta over this many epochs. Default: "
                    + "${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--objective", paramLabel = "elbo|iwae", defaultValue = "elbo",
            description = "What training maximises: the ELBO, or the importance-weighted bound of Burda et al. (2016) "
                    + "over --samples draws (tighter for K > 1; needs --beta 1 and no --warmup). Default: "
                    + "${DEFAULT-VALUE}.")
    Objective objective;

    @Option(names = "--samples", paramLabel = "K", defaultValue = "1",
            description = "Draws of z per training image, 1 to 1,000: the decoder runs on K x batch rows. The "
                    + "importance-weighted bound's K; with --objective elbo the reconstruction term is averaged over "
                    + "them. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", description = "Epochs. Default: "
            + "${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128", description = "Batch size, 1 to 65,536 "
            + "(and what fits in memory: refused before training otherwise). Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "1e-3", description = "Adam learning rate. "
            + "Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of initialisation, "
            + "shuffling, noise and binarization. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--binarize", paramLabel = "none|dynamic|static", defaultValue = "none",
            description = "Pixels as [0,1] intensities, or Bernoulli samples drawn each epoch (dynamic) or once "
                    + "(static). Default: ${DEFAULT-VALUE}.")
    Binarization binarization;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Train on the first N training images only (0: all).")
    int limit;

    @Option(names = "--test-limit", paramLabel = "N", defaultValue = "0",
            description = "Evaluate each epoch on the first N test images only (0: all).")
    int testLimit;

    /** The run settings of these flags, or a usage error naming the bad value. */
    RunSettings settings(CommandLine.Model.CommandSpec spec, int excludeDigit) {
        try {
            return new RunSettings(epochs, binarization, limit, testLimit, excludeDigit);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The model configuration for rows x cols images, or a usage error naming the flag to change. */
    VaeConfig config(CommandLine.Model.CommandSpec spec, int rows, int cols) {
        try {
            return config(rows, cols);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), withFlag(e.getMessage()));
        }
    }

    /** The configuration for single-channel images of the given shape. */
    VaeConfig config(int rows, int cols) {
        VaeConfig.Builder b = VaeConfig.builder().setInputShape(1, rows, cols).setLatentSize(latentSize())
                .optKind(kind).optArchitecture(architecture).optEncoderHidden(hidden).optConvChannels(convChannels)
                .optActivation(activation).optLikelihood(likelihood).optGaussianVariance(gaussianVariance)
                .optBeta(beta).optWarmupEpochs(warmup).optLearningRate(learningRate).optBatchSize(batchSize)
                .optSeed(seed).optCorruption(corrupt).optObjective(objective, samples);
        if (decoderHidden != null) {
            b.optDecoderHidden(decoderHidden);
        }
        return b.build();
    }

    /**
     * For each flag that sets a configuration field, that field: so a resumed run can check a flag given again
     * against the value the model was trained with.
     */
    static final Map<String, java.util.function.Function<VaeConfig, Object>> CONFIG_FIELDS = Map.ofEntries(
            Map.entry("--kind", VaeConfig::kind), Map.entry("--arch", VaeConfig::architecture),
            Map.entry("--hidden", VaeConfig::encoderHidden), Map.entry("--decoder-hidden", VaeConfig::decoderHidden),
            Map.entry("--conv-channels", VaeConfig::convChannels), Map.entry("--activation", VaeConfig::activation),
            Map.entry("--latent", VaeConfig::latentSize), Map.entry("--likelihood", VaeConfig::likelihood),
            Map.entry("--gaussian-variance", VaeConfig::gaussianVariance), Map.entry("--beta", VaeConfig::beta),
            Map.entry("--warmup", VaeConfig::warmupEpochs), Map.entry("--batch-size", VaeConfig::batchSize),
            Map.entry("--lr", VaeConfig::learningRate), Map.entry("--seed", VaeConfig::seed),
            Map.entry("--corrupt", VaeConfig::corruption), Map.entry("--objective", VaeConfig::objective),
            Map.entry("--samples", VaeConfig::samples));

    /** For each flag that sets a data setting of the run, that setting. */
    static final Map<String, java.util.function.Function<RunSettings, Object>> SETTINGS_FIELDS = Map.of(
            "--binarize", RunSettings::binarization, "--limit", RunSettings::limit,
            "--test-limit", RunSettings::testLimit);

    /**
     * Continuing a run: every model or data flag given must have the value the run was trained with. A real change
     * is refused naming the flag and both values.
     *
     * @param where the run directory, for the message
     */
    void requireUnchanged(CommandLine.Model.CommandSpec spec, java.nio.file.Path where, VaeConfig trained,
            RunSettings saved) {
        VaeConfig given = null;
        for (CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String name = o.longestName();
            Object was;
            Object now;
            if (CONFIG_FIELDS.containsKey(name)) {
                if (given == null) {
                    given = config(spec, trained.height(), trained.width());
                }
                was = CONFIG_FIELDS.get(name).apply(trained);
                now = CONFIG_FIELDS.get(name).apply(given);
            } else if (SETTINGS_FIELDS.containsKey(name)) {
                was = SETTINGS_FIELDS.get(name).apply(saved);
                now = SETTINGS_FIELDS.get(name).apply(settings(spec, saved.excludeDigit()));
            } else {
                continue;
            }
            if (!was.equals(now)) {
                throw new CommandLine.ParameterException(spec.commandLine(), name + " cannot be changed when "
                        + "resuming " + where + ": the run has " + was + ", the command gives " + now
                        + "; drop the flag, or start a new run with another --out (only --epochs and --data may "
                        + "change)");
            }
        }
    }

    /** A configuration error with the flag to change named next to the field. */
    static String withFlag(String message) {
        for (Map.Entry<String, String> e : FLAGS.entrySet()) {
            if (message.startsWith(e.getKey())) {
                return message + " (flag " + e.getValue() + ")";
            }
        }
        return message;
    }

    /** Reads --corrupt and --noise values, a bad one as one line saying what is accepted. */
    static final class CorruptionConverter implements CommandLine.ITypeConverter<Corruption> {
        @Override
        public Corruption convert(String value) {
            try {
                return Corruption.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
