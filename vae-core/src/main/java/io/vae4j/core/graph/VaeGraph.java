package io.vae4j.core.graph;

import io.vae4j.core.compat.Dl4jCompat;
import io.vae4j.core.config.Activation;
import io.vae4j.core.config.Likelihood;
import io.vae4j.core.config.Objective;
import io.vae4j.core.config.VaeConfig;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds the SameDiff graph of a {@link VaeConfig}. See {@link VaeNames} for its inputs and outputs.
 *
 * <p>Weights are initialised as PyTorch initialises {@code nn.Linear} and {@code nn.Conv2d}: uniform in
 * +-1/sqrt(fan_in), from a {@link SplittableRandom} seeded with the configuration's seed, so a configuration
 * always gives the same initial model on every backend.
 */
public final class VaeGraph {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final VaeConfig config;
    private final DataType dataType;
    private final SameDiff sd;
    private final SplittableRandom init;
    private final Layout layout;

    private VaeGraph(VaeConfig config, DataType dataType) {
        this.config = config;
        this.dataType = dataType;
        Dl4jCompat.skipTensorflowOpList(); // before any op class asks ND4J for its op table
        this.sd = SameDiff.create();
        this.init = new SplittableRandom(config.seed());
        this.layout = Layout.of(config);
    }

    /** The whole graph: encoder, KL, and the training, fixed-noise and decoding branches. */
    public static SameDiff build(VaeConfig config, DataType dataType) {
        return new VaeGraph(config, dataType).build();
    }

    private SameDiff build() {
        int d = config.inputSize();
        int l = config.latentSize();
        SDVariable input = sd.placeHolder(VaeNames.X, dataType, -1, config.featureSize());
        // a conditional model's input is the pixels followed by the one-hot label
        SDVariable x = input;
        SDVariable y = null;
        if (config.conditional()) {
            x = input.get(SDIndex.all(), SDIndex.interval(0, d)).rename(VaeNames.PIXELS);
            y = input.get(SDIndex.all(), SDIndex.interval(d, config.featureSize())).rename(VaeNames.LABEL);
        }
        SDVariable beta = sd.constant(VaeNames.BETA, Nd4j.scalar(dataType, config.betaAt(0)));

        SDVariable h = encoderTrunk(input, x, y);
        SDVariable mu = dense(h, layout.mu(), VaeNames.MU);

        // Training branch: eps ~ N(0, I) drawn in the graph, as many rows as the batch at hand.
        SDVariable zTrain = null;
        SDVariable zEps;
        SDVariable kl = null;
        // a denoising model's encoder sees the corrupted x; its likelihood scores the clean image
        SDVariable target = config.denoising() ? sd.placeHolder(VaeNames.X_CLEAN, dataType, -1, d) : x;
        if (config.variational()) {
            SDVariable logVar = dense(h, layout.logVar(), VaeNames.LOGVAR);
            kl = gaussianKl(mu, logVar);
            SDVariable sigma = sd.math().exp("sigma", logVar.mul(0.5));
            if (config.multiSample()) {
                multiSampleBranches(mu, logVar, sigma, kl, beta, target, x, y);
            } else {
                SDVariable epsTrain = Dl4jCompat.normalRowsLike(sd, "eps", VaeNames.EPS_TRAIN, mu, dataType,
                        config.batchSize(), l);
                zTrain = mu.add(VaeNames.Z_TRAIN, sigma.mul(epsTrain));
            }
            SDVariable eps = sd.placeHolder(VaeNames.EPS, dataType, -1, l);
            zEps = mu.add(VaeNames.Z_EPS, sigma.mul(eps));
        } else {
            zTrain = sd.identity(VaeNames.Z_TRAIN, mu);
            zEps = sd.identity(VaeNames.Z_EPS, mu);
        }

        if (zTrain != null) {
            SDVariable reconTrain = reconstructionNll(target, decoder(withLabel(zTrain, y), VaeNames.TRAIN_PREFIX),
                    VaeNames.RECON_TRAIN, VaeNames.TRAIN_PREFIX);
            lossOf(reconTrain, kl, beta, VaeNames.LOSS);
        }

        SDVariable outEps = decoder(withLabel(zEps, y), VaeNames.EPS_PREFIX);
        pixelMean(outEps, VaeNames.MEAN_EPS);
        SDVariable reconEps = reconstructionNll(x, outEps, VaeNames.RECON_EPS, VaeNames.EPS_PREFIX);
        lossOf(reconEps, kl, beta, VaeNames.LOSS_EPS);

        SDVariable zIn = sd.placeHolder(VaeNames.Z_IN, dataType, -1, config.decoderInputSize());
        SDVariable xTarget = sd.placeHolder(VaeNames.X_TARGET, dataType, -1, d);
        SDVariable outZ = decoder(zIn, VaeNames.Z_PREFIX);
        pixelMean(outZ, VaeNames.MEAN_Z);
        reconstructionNll(xTarget, outZ, VaeNames.NLL_Z, VaeNames.Z_PREFIX);

        sd.setLossVariables(VaeNames.LOSS);
        return sd;
    }

    /**
     * The training and fixed-noise branches of a model that draws K = {@code config.samples()} codes per example:
     * each example's mu, sigma, target and label repeated K times (row k * n + i is draw k of example i), one
     * decoder pass over the K * n rows, and the objective. Burda et al. (2016), eq. 8: with log weights
     * <pre>
     *   log w_k = log p(x | z_k) + log p(z_k) - log q(z_k | x)
     *           = -NLL_k - 1/2 sum_j z_kj^2 + 1/2 sum_j eps_kj^2 + 1/2 sum_j logvar_j      (the log 2 pi terms cancel)
     * </pre>
     * the importance-weighted bound is log (1/K) sum_k w_k, computed as a log-sum-exp shifted by its maximum. The
     * K-sample ELBO is the mean of the K reconstruction terms plus beta times the analytic KL.
     */
    private void multiSampleBranches(SDVariable mu, SDVariable logVar, SDVariable sigma, SDVariable kl,
            SDVariable beta, SDVariable target, SDVariable x, SDVariable y) {
        int k = config.samples();
        int l = config.latentSize();
        SDVariable muK = repeatRows(mu, k);
        SDVariable sigmaK = repeatRows(sigma, k);
        SDVariable logVarK = repeatRows(logVar, k);
        SDVariable yK = y == null ? null : repeatRows(y, k);
        SDVariable epsTrain = Dl4jCompat.normalRowsLike(sd, "eps_k_draw", VaeNames.EPS_TRAIN_K, muK, dataType,
                Math.multiplyExact(config.batchSize(), k), l);
        SDVariable zTrain = muK.add(VaeNames.Z_TRAIN_K, sigmaK.mul(epsTrain));
        // its own prefix: the Bernoulli kernels, made for one draw per example, do not apply here
        SDVariable nllTrain = reconstructionNll(repeatRows(target, k), decoder(withLabel(zTrain, yK),
                VaeNames.TRAIN_K_PREFIX), VaeNames.NLL_TRAIN_K, VaeNames.TRAIN_K_PREFIX);
        objective(nllTrain, zTrain, epsTrain, logVarK, kl, beta, VaeNames.RECON_TRAIN, VaeNames.NEG_BOUND_TRAIN,
                VaeNames.LOSS);

        SDVariable eps = sd.placeHolder(VaeNames.EPS_K, dataType, -1, l);
        SDVariable zEps = muK.add(sigmaK.mul(eps));
        SDVariable nllEps = reconstructionNll(repeatRows(x, k), decoder(withLabel(zEps, yK), VaeNames.EPS_K_PREFIX),
                VaeNames.NLL_EPS_K, VaeNames.EPS_K_PREFIX);
        objective(nllEps, zEps, eps, logVarK, kl, beta, VaeNames.RECON_EPS_K, VaeNames.NEG_BOUND_EPS_K,
                VaeNames.LOSS_EPS_K);
    }

    /**
     * K copies of a [n, width] variable stacked, [K * n, width]. A concatenation, not {@code tile}: M2.1's tile and
     * its gradient op are slow enough to dominate the step.
     */
    private SDVariable repeatRows(SDVariable v, int k) {
        if (k == 1) {
            return v;
        }
        SDVariable[] copies = new SDVariable[k];
        java.util.Arrays.fill(copies, v);
        return sd.concat(0, copies);
    }

    /**
     * The objective over K draws per example from the per-row NLL [K * n]: the mean reconstruction term per
     * example ({@code reconName}), the negated bound with beta = 1 per example, and the loss.
     */
    private void objective(SDVariable nll, SDVariable z, SDVariable eps, SDVariable logVarK, SDVariable kl,
            SDVariable beta, String reconName, String boundName, String lossName) {
        int k = config.samples();
        // one draw: no reduction over the draws (see Dl4jCompat.reduceFailsOverWidth); else rows [K, n]
        SDVariable recon = k == 1 ? sd.identity(reconName, nll) : nll.reshape(k, -1).mean(reconName, 0);
        if (config.objective() == Objective.IWAE) {
            SDVariable logPzOverQ = rowSum(sd.math().square(z).sub(sd.math().square(eps)).sub(logVarK),
                    config.latentSize(), null).mul(-0.5);
            SDVariable logW = nll.neg().add(logPzOverQ);
            SDVariable logMeanW;
            if (k == 1) {
                logMeanW = logW;
            } else {
                SDVariable byDraw = logW.reshape(k, -1);
                SDVariable max = byDraw.max(0);
                logMeanW = sd.math().log(sd.math().exp(byDraw.sub(max)).sum(0)).add(max).sub(Math.log(k));
            }
            logMeanW.neg(boundName).mean(lossName, 0);
        } else {
            recon.add(boundName, kl);
            lossOf(recon, kl, beta, lossName);
        }
    }

    /** Mean over the batch of (reconstruction + beta * KL); just the reconstruction for an autoencoder. */
    private void lossOf(SDVariable recon, SDVariable kl, SDVariable beta, String name) {
        SDVariable perExample = kl == null ? recon : recon.add(kl.mul(beta));
        perExample.mean(name, 0);
    }

    /** Analytic KL(N(mu, exp(logVar)) || N(0, I)) = -1/2 sum(1 + logVar - mu^2 - exp(logVar)), per example. */
    private SDVariable gaussianKl(SDVariable mu, SDVariable logVar) {
        SDVariable inner = logVar.add(1.0).sub(sd.math().square(mu)).sub(sd.math().exp(logVar));
        return rowSum(inner, config.latentSize(), null).mul(VaeNames.KL, -0.5);
    }

    /**
     * Per-example negative log-likelihood of x under the decoder output, summed over pixels.
     * Bernoulli on logits l: max(l, 0) - l*x + log(1 + exp(-|l|)), exact and finite for any l.
     * Gaussian with mean m and fixed variance v: (x - m)^2 / (2v) + log(2 pi v) / 2.
     */
    private SDVariable reconstructionNll(SDVariable x, SDVariable out, String name, String prefix) {
        if (config.likelihood() == Likelihood.BERNOULLI) {
            SDVariable relu = sd.nn().relu(prefix + VaeNames.NLL_RELU_SUFFIX, out, 0.0);
            SDVariable softplus = sd.nn().softplus(prefix + VaeNames.NLL_SOFTPLUS_SUFFIX, sd.math().abs(out).neg());
            return rowSum(relu.sub(out.mul(x)).add(softplus), config.inputSize(), name);
        }
        double v = config.gaussianVariance();
        SDVariable sq = sd.math().square(x.sub(out));
        return rowSum(sq, config.inputSize(), null).mul(1.0 / (2 * v)).add(name, 0.5 * config.inputSize() * (LOG_2PI + Math.log(v)));
    }

    /** Sum over dimension 1 of a [n, width] variable; see {@link Dl4jCompat#reduceFailsOverWidth}. */
    private SDVariable rowSum(SDVariable v, long width, String name) {
        if (Dl4jCompat.reduceFailsOverWidth(width)) {
            return name == null ? v.reshape(-1) : sd.reshape(name, v, -1);
        }
        return name == null ? v.sum(1) : v.sum(name, 1);
    }

    /** Pixel means: sigmoid of the logits for Bernoulli, the output itself for Gaussian. */
    private SDVariable pixelMean(SDVariable out, String name) {
        return config.likelihood() == Likelihood.BERNOULLI ? sd.nn().sigmoid(name, out) : sd.identity(name, out);
    }

    /** z followed by the one-hot label for a conditional model (the decoder's input), else z. */
    private SDVariable withLabel(SDVariable z, SDVariable y) {
        return y == null ? z : sd.concat(1, z, y);
    }

    /**
     * Encoder up to (not including) the mu and log-variance heads. An MLP reads the whole input (for a conditional
     * model, pixels and label); conv layers read the pixels, and a label joins their flattened output.
     */
    private SDVariable encoderTrunk(SDVariable input, SDVariable x, SDVariable y) {
        SDVariable h = input;
        boolean conv = false;
        for (Layout.Layer layer : layout.encoder()) {
            if (layer.kind() == Layout.Kind.CONV) {
                if (!conv) {
                    h = x.reshape(-1, config.channels(), config.height(), config.width());
                    conv = true;
                }
                SDVariable w = param(VaeNames.weight(layer.name()), layer.fanIn(), Layout.KERNEL, Layout.KERNEL,
                        layer.in(), layer.out());
                SDVariable b = param(VaeNames.bias(layer.name()), layer.fanIn(), layer.out());
                Conv2DConfig c = Conv2DConfig.builder().kH(Layout.KERNEL).kW(Layout.KERNEL).sH(Layout.STRIDE)
                        .sW(Layout.STRIDE).pH(Layout.PADDING).pW(Layout.PADDING).dataFormat("NCHW").build();
                h = activation(sd.cnn().conv2d(layer.name(), h, w, b, c), layer);
                continue;
            }
            if (conv) { // the first dense layer after the conv layers
                h = flattenConv(h, y);
                conv = false;
            }
            h = activation(dense(h, layer, null), layer);
        }
        return conv ? flattenConv(h, y) : h;
    }

    /** The conv layers' output as rows, followed by a conditional model's label. */
    private SDVariable flattenConv(SDVariable h, SDVariable y) {
        SDVariable flat = h.reshape(-1, layout.convOutputWidth());
        return y == null ? flat : sd.concat(1, flat, y);
    }

    /**
     * Decoder from z to the output layer (logits for Bernoulli, means for Gaussian), flattened to
     * [n, inputSize]. Weights are created by the first branch and shared by the others.
     */
    private SDVariable decoder(SDVariable z, String prefix) {
        SDVariable h = z;
        for (Layout.Layer layer : layout.decoder()) {
            if (layer.kind() == Layout.Kind.DENSE) {
                h = activation(dense(h, layer, prefix + layer.name()), prefix, layer);
                if (layer.name().equals(VaeNames.DEC_PROJ)) { // to the first feature map of the deconv layers
                    int n = config.convChannels().size();
                    h = h.reshape(-1, config.convChannels().get(n - 1), config.height() >> n, config.width() >> n);
                }
                continue;
            }
            SDVariable w = weight(VaeNames.weight(layer.name()), layer.fanIn(), Layout.KERNEL, Layout.KERNEL,
                    layer.out(), layer.in());
            SDVariable b = weight(VaeNames.bias(layer.name()), layer.fanIn(), layer.out());
            DeConv2DConfig deconv = DeConv2DConfig.builder().kH(Layout.KERNEL).kW(Layout.KERNEL).sH(Layout.STRIDE)
                    .sW(Layout.STRIDE).pH(Layout.PADDING).pW(Layout.PADDING).dataFormat("NCHW").build();
            h = activation(sd.cnn().deconv2d(prefix + layer.name(), h, w, b, deconv), prefix, layer);
        }
        return layout.convDecoder() ? h.reshape(-1, config.inputSize()) : h;
    }

    /** x W + b with the layer's weights, created on first use. */
    private SDVariable dense(SDVariable x, Layout.Layer layer, String outputName) {
        SDVariable w = weight(VaeNames.weight(layer.name()), layer.fanIn(), layer.in(), layer.out());
        SDVariable b = weight(VaeNames.bias(layer.name()), layer.fanIn(), layer.out());
        return outputName == null ? x.mmul(w).add(b) : x.mmul(w).add(outputName, b);
    }

    /** A trainable variable, or the existing one of that name when a decoder branch shares weights. */
    private SDVariable weight(String name, long fanIn, long... shape) {
        return sd.hasVariable(name) ? sd.getVariable(name) : param(name, fanIn, shape);
    }

    private SDVariable param(String name, long fanIn, long... shape) {
        double bound = 1.0 / Math.sqrt(fanIn);
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] values = new double[Math.toIntExact(n)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (init.nextDouble() * 2 - 1) * bound;
        }
        INDArray arr = Nd4j.create(values, shape, DataType.DOUBLE).castTo(dataType);
        return sd.var(name, arr);
    }

    /** The layer's activation of an encoder layer's output, if it has one. */
    private SDVariable activation(SDVariable h, Layout.Layer layer) {
        return activation(h, "", layer);
    }

    /** The layer's activation of a decoder branch's layer output, if it has one. */
    private SDVariable activation(SDVariable h, String prefix, Layout.Layer layer) {
        Activation a = layer.activation();
        if (a == null) {
            return h;
        }
        String name = prefix + VaeNames.activation(layer.name());
        return switch (a) {
            case RELU -> sd.nn().relu(name, h, 0.0);
            case LEAKY_RELU -> sd.nn().leakyRelu(name, h, 0.01);
            case ELU -> sd.nn().elu(name, h);
            case TANH -> sd.nn().tanh(name, h);
            case SIGMOID -> sd.nn().sigmoid(name, h);
            case SOFTPLUS -> sd.nn().softplus(name, h);
        };
    }
}
