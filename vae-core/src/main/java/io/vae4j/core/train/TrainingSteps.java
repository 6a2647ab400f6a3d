package io.vae4j.core.train;

import io.vae4j.core.compat.Dl4jCompat;
import io.vae4j.core.config.Likelihood;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.exec.CompiledGraph;
import io.vae4j.core.exec.Fused;
import io.vae4j.core.exec.GraphCompiler;
import io.vae4j.core.graph.ModelGraph;
import io.vae4j.core.graph.VaeNames;
import io.vae4j.core.kernel.BernoulliKernels;
import io.vae4j.core.kernel.LatentKernels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compiled training steps of one model, one per batch size that occurs (usually the full batch and the last,
 * partial one): SameDiff's own gradient function compiled by {@link GraphCompiler} for the loss terms and the
 * parameter gradients, with the parameters bound to the model's flat buffer and each gradient written into its view
 * of the optimizer's flat gradient buffer. Where they apply, the {@link BernoulliKernels} and {@link LatentKernels}
 * compute their values instead of the graph's ops.
 */
final class TrainingSteps implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingSteps.class);

    private final ModelGraph model;
    private final Map<String, INDArray> gradients;
    private final Map<Integer, Step> steps = new HashMap<>();

    /**
     * A step compiled for one batch size: where to write the inputs, and the loss terms it computes.
     *
     * @param graph the compiled computation
     * @param input the encoder's input, [n, featureSize]
     * @param clean a denoising model's clean images, [n, inputSize]; else null
     * @param recon per-example reconstruction NLL, [n]
     * @param kl    per-example KL, [n]; null for an autoencoder
     * @param negBound per-example negated training bound (beta = 1), [n], of a model with several draws per
     *              example or the importance-weighted objective; null for the others (it is recon + KL there)
     */
    record Step(CompiledGraph graph, INDArray input, INDArray clean, INDArray recon, INDArray kl,
                INDArray negBound) {
    }

    /** @param gradients where each parameter's gradient goes, by name */
    TrainingSteps(ModelGraph model, Map<String, INDArray> gradients) {
        this.model = model;
        this.gradients = gradients;
    }

    /** The step for batches of n, compiled on first use. */
    Step forBatch(int n) {
        Step c = steps.get(n);
        if (c != null) {
            return c;
        }
        VaeConfig config = model.config();
        SameDiff sd = model.sd();
        INDArray input = Nd4j.create(model.dataType(), n, config.featureSize());
        Map<String, INDArray> leaves = new HashMap<>();
        leaves.put(VaeNames.X, input);
        INDArray clean = config.denoising() ? Nd4j.create(model.dataType(), n, config.inputSize()) : null;
        if (clean != null) {
            leaves.put(VaeNames.X_CLEAN, clean);
        }
        leaves.put(VaeNames.BETA, sd.getVariable(VaeNames.BETA).getArr());
        SameDiff grad = gradientFunction();
        Map<String, INDArray> bound = new HashMap<>();
        for (Map.Entry<String, INDArray> e : gradients.entrySet()) {
            leaves.put(e.getKey(), sd.getArrForVarName(e.getKey()));
            SDVariable g = grad.getVariable(e.getKey()).getGradient();
            if (g != null) { // a parameter the loss does not depend on keeps a zero gradient
                bound.put(g.name(), e.getValue());
            }
        }
        Set<String> wanted = new HashSet<>();
        wanted.add(VaeNames.RECON_TRAIN);
        if (config.variational()) {
            wanted.add(VaeNames.KL);
        }
        if (config.multiSample()) {
            wanted.add(VaeNames.NEG_BOUND_TRAIN);
        }
        List<Fused> kernels = new ArrayList<>();
        if (config.likelihood() == Likelihood.BERNOULLI) {
            kernels.addAll(BernoulliKernels.of(sd, grad, likelihoodTarget(config)));
        }
        if (config.variational()) {
            kernels.addAll(LatentKernels.of(sd, grad));
        }
        Map<String, Fused> fused = new HashMap<>();
        for (Fused f : kernels) {
            fused.put(f.output(), f);
        }
        CompiledGraph graph = GraphCompiler.compile(grad, leaves, bound, wanted, fused);
        LOG.debug("compiled the training step for batches of {}: {} steps", n, graph.size());
        c = new Step(graph, input, clean, graph.value(VaeNames.RECON_TRAIN),
                config.variational() ? graph.value(VaeNames.KL) : null,
                config.multiSample() ? graph.value(VaeNames.NEG_BOUND_TRAIN) : null);
        steps.put(n, c);
        return c;
    }

    /** The graph value the training branch's likelihood scores: the clean images, the pixels, or the input. */
    private static String likelihoodTarget(VaeConfig config) {
        return config.denoising() ? VaeNames.X_CLEAN : config.conditional() ? VaeNames.PIXELS : VaeNames.X;
    }

    /** SameDiff's gradient function, built on first use, its parameters the model's flat buffer's views. */
    private SameDiff gradientFunction() {
        SameDiff sd = model.sd();
        Dl4jCompat.createGradFunction(sd);
        SameDiff grad = sd.getFunction("grad");
        for (String name : gradients.keySet()) {
            INDArray param = sd.getArrForVarName(name);
            if (grad.getArrForVarName(name) != param) {
                grad.setArrayForVariable(name, param);
            }
        }
        return grad;
    }

    @Override
    public void close() {
        for (Step c : steps.values()) {
            c.graph().close();
            c.input().close();
            if (c.clean() != null) {
                c.clean().close();
            }
        }
        steps.clear();
    }
}
