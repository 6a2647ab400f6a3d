package io.vae4j.core.graph;

/**
 * Names of the placeholders and outputs of the VAE graph, in one place so that no name is reused.
 *
 * <p>The graph has one encoder and three decoder branches that share the decoder's weights:
 * <ul>
 *   <li>training: z = mu + exp(logvar / 2) * eps with eps drawn inside the graph; its {@link #LOSS} is what
 *       Adam minimises;</li>
 *   <li>fixed noise: the same computation with eps fed through the {@link #EPS} placeholder, for evaluation,
 *       anomaly scores and tests;</li>
 *   <li>decoding: z fed through {@link #Z_IN}, for sampling, interpolation and importance sampling.</li>
 * </ul>
 */
public final class VaeNames {
    /**
     * Placeholder: flattened inputs, shape [batch, featureSize]: the pixels, followed for a conditional model by the
     * one-hot label.
     */
    public static final String X = "x";
    /** Placeholder: standard normal noise for the fixed-noise branch, shape [batch, latentSize]. */
    public static final String EPS = "eps";
    /**
     * Placeholder: latent codes for the decoding branch, shape [n, decoderInputSize]: z, followed for a conditional
     * model by the one-hot label.
     */
    public static final String Z_IN = "z_in";
    /** Placeholder: the inputs whose likelihood under {@link #Z_IN} is wanted, shape [n, inputSize]. */
    public static final String X_TARGET = "x_target";
    /**
     * Placeholder of denoising models only: the clean images the training branch's likelihood scores, while
     * {@link #X} holds their corrupted versions, shape [batch, inputSize].
     */
    public static final String X_CLEAN = "x_clean";
    /** Conditional models: the pixels of {@link #X}, [batch, inputSize]. */
    public static final String PIXELS = "pixels";
    /** Conditional models: the one-hot label of {@link #X}, [batch, classes]. */
    public static final String LABEL = "label";
    /** Constant: the current KL weight. */
    public static final String BETA = "beta";

    /** Encoder output: posterior means, [batch, latentSize]. */
    public static final String MU = "mu";
    /** Encoder output: posterior log-variances, [batch, latentSize] (VAE only). */
    public static final String LOGVAR = "logvar";
    /** Per-example analytic KL(q(z|x) || N(0, I)), [batch] (VAE only). */
    public static final String KL = "kl";

    /** Training branch: the noise, the graph's [batchSize, latent] draw sliced to the batch, [batch, latent]. */
    public static final String EPS_TRAIN = "eps_train";
    /** Training branch: latent sample. */
    public static final String Z_TRAIN = "z_train";
    /** Training branch: per-example reconstruction NLL, [batch]. */
    public static final String RECON_TRAIN = "recon_train";
    /**
     * Training branch, Bernoulli likelihood: relu(logits), the first term of the stable per-pixel NLL
     * max(l, 0) - l x + log(1 + exp(-|l|)); its input is the decoder's logits.
     */
    public static final String TRAIN_NLL_RELU = "train_nll_relu";
    /** Training branch, Bernoulli likelihood: log(1 + exp(-|logits|)), the last term of that NLL. */
    public static final String TRAIN_NLL_SOFTPLUS = "train_nll_softplus";
    /** What the two names above are, after a branch's prefix; VaeGraph names every branch's terms so. */
    public static final String NLL_RELU_SUFFIX = "nll_relu";
    public static final String NLL_SOFTPLUS_SUFFIX = "nll_softplus";
    /** Training branch: the scalar loss, mean over the batch of (reconstruction + beta * KL). */
    public static final String LOSS = "loss";

    /**
     * Training branch of a model trained with several draws per example or on the importance-weighted bound
     * ({@code VaeConfig.multiSample()}): the noise, [samples * batch, latent], row {@code k * batch + i} the k-th
     * draw for example i. Such a graph has no {@link #EPS_TRAIN} and {@link #Z_TRAIN}; its {@link #RECON_TRAIN}
     * is the reconstruction NLL averaged over the draws, and {@link #LOSS} the objective's negation.
     */
    public static final String EPS_TRAIN_K = "eps_train_k";
    /** Multi-sample training branch: the latent samples, [samples * batch, latent]. */
    public static final String Z_TRAIN_K = "z_train_k";
    /**
     * Multi-sample training branch: per-example negated bound with beta = 1, [batch]: the importance-weighted
     * bound's for IWAE, reconstruction (averaged over the draws) plus KL for ELBO.
     */
    public static final String NEG_BOUND_TRAIN = "neg_bound_train";
    /** Multi-sample training branch: per-row reconstruction NLL, [samples * batch]. */
    public static final String NLL_TRAIN_K = "nll_train_k";
    /** Placeholder: noise for the multi-sample fixed-noise branch, [samples * batch, latent], rows as above. */
    public static final String EPS_K = "eps_k";
    /** Multi-sample fixed-noise branch: per-row reconstruction NLL, [samples * batch]. */
    public static final String NLL_EPS_K = "nll_eps_k";
    /** Multi-sample fixed-noise branch: per-example reconstruction NLL averaged over the draws, [batch]. */
    public static final String RECON_EPS_K = "recon_eps_k";
    /** Multi-sample fixed-noise branch: per-example negated bound, [batch]. */
    public static final String NEG_BOUND_EPS_K = "neg_bound_eps_k";
    /** Multi-sample fixed-noise branch: the scalar loss, as the training branch's; used by the gradient check. */
    public static final String LOSS_EPS_K = "loss_eps_k";

    /** Fixed-noise branch: latent sample mu + sigma * eps (mu for AE). */
    public static final String Z_EPS = "z_eps";
    /** Fixed-noise branch: per-example reconstruction NLL, [batch]. */
    public static final String RECON_EPS = "recon_eps";
    /** Fixed-noise branch: pixel means of the reconstruction, [batch, inputSize]. */
    public static final String MEAN_EPS = "mean_eps";
    /** Fixed-noise branch: scalar loss with beta, mean over the batch; used by the gradient check. */
    public static final String LOSS_EPS = "loss_eps";

    /** Decoding branch: pixel means decoded from {@link #Z_IN}, [n, inputSize]. */
    public static final String MEAN_Z = "mean_z";
    /** Decoding branch: per-row -log p(x_target | z_in), [n]. */
    public static final String NLL_Z = "nll_z";

    /** Layer names (see {@link Layout}): encoder conv layer i is {@code ENC_CONV + i}, and so on. */
    public static final String ENC_CONV = "enc_conv";
    public static final String ENC_DENSE = "enc_dense";
    public static final String ENC_MU = "enc_mu";
    public static final String ENC_LOGVAR = "enc_logvar";
    public static final String DEC_DENSE = "dec_dense";
    /** The MLP decoder's output layer. */
    public static final String DEC_OUT = "dec_out";
    /** The conv decoder's projection from z to the first feature map. */
    public static final String DEC_PROJ = "dec_proj";
    public static final String DEC_DECONV = "dec_deconv";

    /** The name of a layer's weight parameter. */
    public static String weight(String layer) {
        return layer + "_W";
    }

    /** The name of a layer's bias parameter. */
    public static String bias(String layer) {
        return layer + "_b";
    }

    /** The name of the output of a layer's activation. */
    static String activation(String layer) {
        return layer + "_act";
    }

    /** Name prefixes of the three decoder branches. */
    public static final String TRAIN_PREFIX = "train_";
    public static final String EPS_PREFIX = "eps_";
    public static final String Z_PREFIX = "zin_";
    /** Name prefix of the multi-sample training branch's decoder. */
    public static final String TRAIN_K_PREFIX = "traink_";
    /** Name prefix of the multi-sample fixed-noise branch's decoder. */
    public static final String EPS_K_PREFIX = "epsk_";

    private VaeNames() {
    }
}
