package io.vae4j.core.graph;

import io.vae4j.core.model.Vae;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.config.Activation;
import io.vae4j.core.config.Architecture;
import io.vae4j.core.config.Likelihood;
import io.vae4j.core.config.ModelKind;
import io.vae4j.core.config.Objective;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.testing.TestData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Finite-difference check of the whole loss (reconstruction + beta * KL, batch mean; the negated importance-weighted
 * bound, or the K-draw ELBO, for a multi-sample model) in DOUBLE, with eps fed through the placeholder: every
 * parameter element's analytic gradient against a central difference.
 */
class GradientCheckTest {
    private static final double H = 1e-6;
    private static final double MAX_REL_ERROR = 1e-5;
    private static final double MIN_ABS_ERROR = 1e-9;

    static Stream<Arguments> configs() {
        VaeConfig.Builder mlp = VaeConfig.builder().setInputSize(6).setLatentSize(3)
                .optEncoderHidden(List.of(5)).optDecoderHidden(List.of(4)).optSeed(11).optBeta(0.7);
        return Stream.of(
                Arguments.of("mlp tanh bernoulli", mlp.optActivation(Activation.TANH).build()),
                Arguments.of("mlp relu bernoulli", mlp.optActivation(Activation.RELU).build()),
                Arguments.of("mlp elu gaussian", mlp.optActivation(Activation.ELU)
                        .optLikelihood(Likelihood.GAUSSIAN).optGaussianVariance(0.3).build()),
                Arguments.of("mlp autoencoder", mlp.optActivation(Activation.TANH)
                        .optLikelihood(Likelihood.BERNOULLI).optKind(ModelKind.AE).build()),
                Arguments.of("mlp conditional", mlp.optActivation(Activation.TANH).optKind(ModelKind.CVAE)
                        .optClasses(3).build()),
                Arguments.of("mlp iwae k=3", mlp.optActivation(Activation.TANH).optKind(ModelKind.VAE).optBeta(1)
                        .optObjective(Objective.IWAE, 3).build()),
                Arguments.of("mlp iwae k=1", mlp.optActivation(Activation.TANH).optObjective(Objective.IWAE, 1)
                        .build()),
                Arguments.of("mlp iwae k=3 gaussian conditional", mlp.optActivation(Activation.ELU)
                        .optLikelihood(Likelihood.GAUSSIAN).optGaussianVariance(0.3).optKind(ModelKind.CVAE)
                        .optClasses(3).optObjective(Objective.IWAE, 3).build()),
                Arguments.of("mlp elbo k=3", mlp.optActivation(Activation.TANH).optLikelihood(Likelihood.BERNOULLI)
                        .optKind(ModelKind.VAE).optBeta(0.7).optObjective(Objective.ELBO, 3).build()),
                Arguments.of("conv tanh bernoulli", VaeConfig.builder().setInputShape(1, 4, 4).setLatentSize(2)
                        .optArchitecture(Architecture.CONV).optConvChannels(List.of(2)).optEncoderHidden(List.of(3))
                        .optDecoderHidden(List.of(3)).optActivation(Activation.TANH).optSeed(5).build()),
                Arguments.of("conv conditional", VaeConfig.builder().setInputShape(1, 4, 4).setLatentSize(2)
                        .optArchitecture(Architecture.CONV).optConvChannels(List.of(2)).optEncoderHidden(List.of(3))
                        .optDecoderHidden(List.of(3)).optActivation(Activation.TANH).optSeed(5)
                        .optKind(ModelKind.CVAE).optClasses(3).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void analyticGradientsMatchCentralDifferences(String name, VaeConfig config) {
        try (Vae vae = Vae.create(config, DataType.DOUBLE)) {
            SameDiff sd = vae.graph();
            int batch = 4;
            Map<String, INDArray> feed = new HashMap<>();
            feed.put(VaeNames.X, TestData.inputs(TestData.uniform(batch, config.inputSize(), 21, DataType.DOUBLE),
                    config));
            // a multi-sample model's checked branch takes K draws per example and is its training objective
            String loss = config.multiSample() ? VaeNames.LOSS_EPS_K : VaeNames.LOSS_EPS;
            if (config.multiSample()) {
                feed.put(VaeNames.EPS_K, TestData.gaussian(config.samples() * batch, config.latentSize(), 22,
                        DataType.DOUBLE));
            } else if (config.variational()) {
                feed.put(VaeNames.EPS, TestData.gaussian(batch, config.latentSize(), 22, DataType.DOUBLE));
            }
            sd.setLossVariables(loss);
            List<String> params = new ArrayList<>();
            for (SDVariable v : sd.variables()) {
                if (v.getVariableType() == VariableType.VARIABLE) {
                    params.add(v.name());
                }
            }
            Map<String, INDArray> grads = sd.calculateGradients(feed, params);
            int checked = 0;
            double worst = 0;
            for (String p : params) {
                INDArray w = sd.getVariable(p).getArr();
                INDArray g = grads.get(p);
                assertTrue(g != null, "no gradient for " + p);
                for (long i = 0; i < w.length(); i++) {
                    double orig = w.getDouble(i);
                    w.putScalar(i, orig + H);
                    double plus = sd.outputSingle(feed, loss).getDouble(0);
                    w.putScalar(i, orig - H);
                    double minus = sd.outputSingle(feed, loss).getDouble(0);
                    w.putScalar(i, orig);
                    double numeric = (plus - minus) / (2 * H);
                    double analytic = g.getDouble(i);
                    double absErr = Math.abs(numeric - analytic);
                    double relErr = absErr / Math.max(Math.abs(numeric), Math.abs(analytic));
                    if (absErr > MIN_ABS_ERROR) {
                        worst = Math.max(worst, relErr);
                        assertTrue(relErr < MAX_REL_ERROR, name + ": " + p + "[" + i + "] analytic " + analytic
                                + " numeric " + numeric + " relative error " + relErr);
                    }
                    checked++;
                }
            }
            assertTrue(checked > 50, "checked only " + checked + " parameters");
        }
    }

    /**
     * The training branch draws eps inside the graph. Fed the same eps, the gradient-checked branch must give the
     * same loss, so the check above covers what Adam actually minimises.
     */
    @Test
    void trainingLossEqualsCheckedLossForTheSameNoise() {
        VaeConfig config = VaeConfig.builder().setInputSize(6).setLatentSize(3).optEncoderHidden(List.of(5))
                .optBatchSize(8).optBeta(0.7).build();
        try (Vae vae = Vae.create(config, DataType.DOUBLE)) {
            INDArray x = TestData.uniform(5, 6, 3, DataType.DOUBLE);
            Map<String, INDArray> out = vae.graph().output(Map.of(VaeNames.X, x), VaeNames.LOSS, "eps_train");
            INDArray eps = out.get("eps_train");
            assertEquals(5, eps.size(0));
            double checked = vae.graph().outputSingle(Map.of(VaeNames.X, x, VaeNames.EPS, eps), VaeNames.LOSS_EPS)
                    .getDouble(0);
            assertEquals(checked, out.get(VaeNames.LOSS).getDouble(0), 1e-12 * Math.abs(checked));
        }
    }

    /** The same for the importance-weighted objective: K draws per example, in the training and checked branches. */
    @Test
    void iwaeTrainingLossEqualsCheckedLossForTheSameNoise() {
        VaeConfig config = VaeConfig.builder().setInputSize(6).setLatentSize(3).optEncoderHidden(List.of(5))
                .optBatchSize(8).optObjective(Objective.IWAE, 4).build();
        try (Vae vae = Vae.create(config, DataType.DOUBLE)) {
            INDArray x = TestData.uniform(5, 6, 3, DataType.DOUBLE);
            Map<String, INDArray> out = vae.graph().output(Map.of(VaeNames.X, x), VaeNames.LOSS,
                    VaeNames.EPS_TRAIN_K);
            INDArray eps = out.get(VaeNames.EPS_TRAIN_K);
            assertEquals(20, eps.size(0));
            double checked = vae.graph().outputSingle(Map.of(VaeNames.X, x, VaeNames.EPS_K, eps),
                    VaeNames.LOSS_EPS_K).getDouble(0);
            assertEquals(checked, out.get(VaeNames.LOSS).getDouble(0), 1e-12 * Math.abs(checked));
        }
    }
}
