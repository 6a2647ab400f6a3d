package io.vae4j.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.backend.HostKernels;
import io.vae4j.core.compat.Dl4jCompat;
import io.vae4j.core.config.Activation;
import io.vae4j.core.config.Architecture;
import io.vae4j.core.config.Likelihood;
import io.vae4j.core.config.ModelKind;
import io.vae4j.core.config.Objective;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.model.Vae;
import io.vae4j.core.graph.VaeNames;
import io.vae4j.core.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The compiled training step is SameDiff's own training step: two models built from one configuration (so with
 * identical initial weights), one trained by {@link Trainer} and one by {@code SameDiff.fit} batch by batch with
 * the same per-epoch noise seed, have the same parameters after every epoch. Each run covers two epochs of three
 * full batches and one partial batch (so both compiled batch sizes and the epoch re-seeding are exercised), and a
 * KL warm-up, so beta changes between epochs. Where host kernels run (FLOAT on the CPU), once with them and once
 * without.
 */
class CompiledTrainingStepTest {
    private static final int BATCH = 8;
    private static final int EXAMPLES = 3 * BATCH + 5;

    /** Every configuration with the host kernels on, and the FLOAT ones (where kernels run) with them off too. */
    static Stream<Arguments> configs() {
        return baseConfigs().flatMap(a -> {
            Object[] v = a.get();
            Arguments on = Arguments.of(v[0], v[1], v[2], true);
            return v[2] == DataType.FLOAT ? Stream.of(on, Arguments.of(v[0], v[1], v[2], false)) : Stream.of(on);
        });
    }

    static Stream<Arguments> baseConfigs() {
        VaeConfig.Builder mlp = VaeConfig.builder().setInputSize(12).setLatentSize(3)
                .optEncoderHidden(List.of(7)).optDecoderHidden(List.of(6)).optBatchSize(BATCH).optSeed(3)
                .optWarmupEpochs(2).optBeta(0.8).optLearningRate(0.01);
        VaeConfig.Builder iwae = VaeConfig.builder().setInputSize(12).setLatentSize(3)
                .optEncoderHidden(List.of(7)).optDecoderHidden(List.of(6)).optBatchSize(BATCH).optSeed(3)
                .optLearningRate(0.01).optObjective(Objective.IWAE, 3);
        return Stream.of(
                Arguments.of("mlp iwae k=3", iwae.build(), DataType.DOUBLE),
                Arguments.of("mlp iwae k=3 float", iwae.build(), DataType.FLOAT),
                Arguments.of("mlp iwae k=1", iwae.optObjective(Objective.IWAE, 1).build(), DataType.DOUBLE),
                Arguments.of("mlp iwae k=3 conditional gaussian", iwae.optObjective(Objective.IWAE, 3)
                        .optKind(ModelKind.CVAE).optClasses(4).optLikelihood(Likelihood.GAUSSIAN)
                        .optGaussianVariance(0.5).build(), DataType.DOUBLE),
                Arguments.of("mlp elbo k=4", mlp.optActivation(Activation.RELU).optObjective(Objective.ELBO, 4)
                        .build(), DataType.DOUBLE),
                Arguments.of("mlp relu bernoulli", mlp.optActivation(Activation.RELU).optObjective(Objective.ELBO, 1)
                        .build(), DataType.DOUBLE),
                Arguments.of("mlp relu bernoulli float", mlp.optActivation(Activation.RELU).build(), DataType.FLOAT),
                Arguments.of("mlp elu gaussian", mlp.optActivation(Activation.ELU)
                        .optLikelihood(Likelihood.GAUSSIAN).optGaussianVariance(0.5).build(), DataType.DOUBLE),
                Arguments.of("mlp tanh autoencoder", mlp.optActivation(Activation.TANH)
                        .optLikelihood(Likelihood.BERNOULLI).optKind(ModelKind.AE).build(), DataType.DOUBLE),
                Arguments.of("mlp relu conditional", mlp.optActivation(Activation.RELU).optKind(ModelKind.CVAE)
                        .optClasses(4).build(), DataType.DOUBLE),
                Arguments.of("mlp relu conditional float", mlp.optActivation(Activation.RELU)
                        .optKind(ModelKind.CVAE).optClasses(4).build(), DataType.FLOAT),
                Arguments.of("conv relu bernoulli float", VaeConfig.builder().setInputShape(1, 4, 4).setLatentSize(2)
                        .optArchitecture(Architecture.CONV).optConvChannels(List.of(3)).optEncoderHidden(List.of(5))
                        .optDecoderHidden(List.of(5)).optBatchSize(BATCH).optSeed(5).optLearningRate(0.01).build(),
                        DataType.FLOAT),
                Arguments.of("conv relu conditional", VaeConfig.builder().setInputShape(1, 4, 4).setLatentSize(2)
                        .optArchitecture(Architecture.CONV).optConvChannels(List.of(3)).optEncoderHidden(List.of(5))
                        .optDecoderHidden(List.of(5)).optBatchSize(BATCH).optSeed(5).optLearningRate(0.01)
                        .optKind(ModelKind.CVAE).optClasses(3).build(), DataType.DOUBLE),
                Arguments.of("conv relu bernoulli", VaeConfig.builder().setInputShape(1, 4, 4).setLatentSize(2)
                        .optArchitecture(Architecture.CONV).optConvChannels(List.of(3)).optEncoderHidden(List.of(5))
                        .optDecoderHidden(List.of(5)).optBatchSize(BATCH).optSeed(5).optLearningRate(0.01).build(),
                        DataType.DOUBLE));
    }

    @ParameterizedTest(name = "{0}, host kernels {3}")
    @MethodSource("configs")
    void compiledStepsEqualSameDiffFitSteps(String name, VaeConfig config, DataType dt, boolean hostKernels) {
        TestData.withHostKernels(hostKernels, () -> compiledStepsEqualSameDiffFitSteps(name, config, dt));
    }

    private static void compiledStepsEqualSameDiffFitSteps(String name, VaeConfig config, DataType dt) {
        INDArray x = TestData.inputs(TestData.binaryPatterns(EXAMPLES, config.inputSize(), 3, 17).castTo(dt), config);
        double tolerance = dt == DataType.DOUBLE ? 1e-10 : 2e-5;
        try (Vae compiled = Vae.create(config, dt); Vae reference = Vae.create(config, dt)) {
            SameDiff ref = reference.graph();
            for (int epoch = 0; epoch < 2; epoch++) {
                EpochSummary summary = TestData.fit(compiled, TestData.iterator(x, BATCH), 1).get(0);

                ref.getVariable(VaeNames.BETA).getArr().assign(config.betaAt(epoch));
                Nd4j.getRandom().setSeed(Seeds.epochSeed(config.seed(), epoch));
                double recon = 0;
                double kl = 0;
                for (long i = 0; i < EXAMPLES; i += BATCH) {
                    INDArray b = x.get(NDArrayIndex.interval(i, Math.min(i + BATCH, EXAMPLES)), NDArrayIndex.all());
                    // the reported loss: SameDiff's own value of the training branch, drawn with the noise the
                    // step then uses (the generator is wound back after the look)
                    org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandom();
                    long root = rng.rootState();
                    long node = rng.nodeState();
                    java.util.Map<String, INDArray> terms = config.variational()
                            ? ref.output(java.util.Map.of(VaeNames.X, b.dup()), VaeNames.RECON_TRAIN, VaeNames.KL)
                            : ref.output(java.util.Map.of(VaeNames.X, b.dup()), VaeNames.RECON_TRAIN);
                    recon += terms.get(VaeNames.RECON_TRAIN).sumNumber().doubleValue();
                    kl += config.variational() ? terms.get(VaeNames.KL).sumNumber().doubleValue() : 0;
                    rng.setStates(root, node);
                    Dl4jCompat.quietly(() -> ref.fit(new MultiDataSet(new INDArray[] {b.dup()}, null)));
                }
                assertEquals(recon / EXAMPLES, summary.reconstruction(), tolerance * Math.abs(recon / EXAMPLES),
                        name + ": epoch " + epoch + " reported reconstruction");
                assertEquals(kl / EXAMPLES, summary.kl(), tolerance * Math.max(1, Math.abs(kl / EXAMPLES)),
                        name + ": epoch " + epoch + " reported KL");

                for (String p : params(ref)) {
                    INDArray want = ref.getVariable(p).getArr();
                    INDArray got = compiled.graph().getVariable(p).getArr();
                    double scale = Math.max(1, want.amaxNumber().doubleValue());
                    double diff = want.sub(got).amaxNumber().doubleValue();
                    assertTrue(diff <= tolerance * scale, name + ": epoch " + epoch + " parameter " + p
                            + " differs from SameDiff.fit's by " + diff);
                }
            }
            assertEquals(2, compiled.epochsDone());
            assertTrue(movedFromInit(config, dt, compiled) > 1e-3, name + ": training did not move the parameters");
        }
    }

    /**
     * A denoising model: the compiled step corrupts each batch with {@link Seeds#corruptionSeed} and scores the
     * clean one; SameDiff.fit given the same corrupted and clean batches ends with the same parameters.
     */
    @ParameterizedTest(name = "{0} {1}, host kernels {2}")
    @org.junit.jupiter.params.provider.CsvSource({"gaussian:0.4, DOUBLE, true", "saltpepper:0.2, DOUBLE, true",
        "mask:0.3, DOUBLE, true", "gaussian:0.4, FLOAT, true", "gaussian:0.4, FLOAT, false"})
    void denoisingStepsEqualSameDiffFitOnTheSameCorruptedBatches(String corruption, DataType dt, boolean hostKernels) {
        TestData.withHostKernels(hostKernels, () -> denoisingSteps(corruption, dt));
    }

    private static void denoisingSteps(String corruption, DataType dt) {
        VaeConfig config = VaeConfig.builder().setInputSize(12).setLatentSize(3).optEncoderHidden(List.of(7))
                .optBatchSize(BATCH).optSeed(8).optLearningRate(0.01)
                .optCorruption(io.vae4j.core.config.Corruption.parse(corruption)).build();
        INDArray x = TestData.binaryPatterns(EXAMPLES, config.inputSize(), 3, 17).castTo(DataType.DOUBLE).muli(0.5)
                .addi(0.25); // exact in float: batches pass through float on their way in
        double tolerance = dt == DataType.DOUBLE ? 1e-10 : 2e-5;
        try (Vae compiled = Vae.create(config, dt); Vae reference = Vae.create(config, dt)) {
            SameDiff ref = reference.graph();
            for (int epoch = 0; epoch < 2; epoch++) {
                TestData.fit(compiled, TestData.iterator(x.castTo(dt), BATCH), 1);
                Nd4j.getRandom().setSeed(Seeds.epochSeed(config.seed(), epoch));
                long batch = 0;
                for (long i = 0; i < EXAMPLES; i += BATCH) {
                    INDArray clean = x.get(NDArrayIndex.interval(i, Math.min(i + BATCH, EXAMPLES)), NDArrayIndex.all())
                            .dup();
                    float[] values = clean.castTo(DataType.FLOAT).reshape(-1).toFloatVector();
                    config.corruption().apply(values, values.length,
                            new java.util.SplittableRandom(Seeds.corruptionSeed(config.seed(), epoch, batch++)));
                    INDArray corrupted = Nd4j.createFromArray(values).reshape(clean.shape()).castTo(dt);
                    INDArray target = clean.castTo(dt);
                    Dl4jCompat.quietly(() -> ref.fit(new MultiDataSet(new INDArray[] {corrupted, target}, null)));
                }
                for (String p : params(ref)) {
                    INDArray want = ref.getVariable(p).getArr();
                    INDArray got = compiled.graph().getVariable(p).getArr();
                    double diff = want.sub(got).amaxNumber().doubleValue();
                    assertTrue(diff <= tolerance * Math.max(1, want.amaxNumber().doubleValue()), corruption + ": epoch "
                            + epoch + " parameter " + p + " differs from SameDiff.fit's by " + diff);
                }
            }
            assertTrue(movedFromInit(config, dt, compiled) > 1e-3);
        }
    }

    private static double movedFromInit(VaeConfig config, DataType dt, Vae trained) {
        double moved = 0;
        try (Vae init = Vae.create(config, dt)) {
            for (String p : params(init.graph())) {
                moved += init.graph().getVariable(p).getArr().sub(trained.graph().getVariable(p).getArr())
                        .amaxNumber().doubleValue();
            }
        }
        return moved;
    }

    private static List<String> params(SameDiff sd) {
        List<String> out = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                out.add(v.name());
            }
        }
        return out;
    }
}
