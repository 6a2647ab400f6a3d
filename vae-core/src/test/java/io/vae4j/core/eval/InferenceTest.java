package io.vae4j.core.eval;

import io.vae4j.core.graph.LossTerms;
import io.vae4j.core.graph.Encoding;
import io.vae4j.core.graph.VaeNames;
import io.vae4j.core.model.Vae;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vae4j.core.backend.HostKernels;
import io.vae4j.core.config.Architecture;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.exec.CompiledGraph;
import io.vae4j.core.testing.TestData;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The model's compiled inference (encode, decode, loss terms) gives what {@code SameDiff.output} gives for the same
 * graph and inputs, in DOUBLE to 1e-12: for a few rows, and for more rows than one compiled block holds (so the
 * split into blocks and the concatenation are exercised), before and after training (which moves the parameters);
 * and in FLOAT, to float rounding, with the host kernels on and off.
 */
class InferenceTest {
    static Stream<Arguments> cases() {
        VaeConfig mlp = VaeConfig.builder().setInputSize(12).setLatentSize(3).optEncoderHidden(List.of(7)).build();
        VaeConfig conv = VaeConfig.builder().setInputShape(1, 4, 4).setLatentSize(2)
                .optArchitecture(Architecture.CONV).optConvChannels(List.of(3)).optEncoderHidden(List.of(5)).build();
        return Stream.of(Arguments.of("mlp", mlp, 5, DataType.DOUBLE, true),
                Arguments.of("mlp", mlp, Inference.BLOCK + 3, DataType.DOUBLE, true),
                Arguments.of("conv", conv, 5, DataType.DOUBLE, true),
                Arguments.of("conv", conv, Inference.BLOCK + 3, DataType.DOUBLE, true),
                Arguments.of("mlp", mlp, 5, DataType.FLOAT, true), Arguments.of("mlp", mlp, 5, DataType.FLOAT, false),
                Arguments.of("conv", conv, 5, DataType.FLOAT, true),
                Arguments.of("conv", conv, 5, DataType.FLOAT, false));
    }

    @ParameterizedTest(name = "{0}, {2} rows, {3}, host kernels {4}")
    @MethodSource("cases")
    void compiledInferenceEqualsSameDiffOutput(String name, VaeConfig config, int rows, DataType dt,
            boolean hostKernels) {
        TestData.withHostKernels(hostKernels, () -> compiledInferenceEqualsSameDiffOutput(config, rows, dt));
    }

    private static void compiledInferenceEqualsSameDiffOutput(VaeConfig config, int rows, DataType dt) {
        java.util.function.BiConsumer<INDArray, INDArray> same = dt == DataType.DOUBLE ? InferenceTest::same
                : InferenceTest::close;
        try (Vae vae = Vae.create(config, dt)) {
            for (int round = 0; round < 2; round++) {
                INDArray x = TestData.uniform(rows, config.inputSize(), 5 + round, dt);
                INDArray eps = TestData.gaussian(rows, config.latentSize(), 6 + round, dt);
                Map<String, INDArray> want = vae.graph().output(Map.of(VaeNames.X, x, VaeNames.EPS, eps),
                        VaeNames.MU, VaeNames.LOGVAR, VaeNames.RECON_EPS, VaeNames.KL);
                Encoding enc = vae.encode(x);
                same.accept(want.get(VaeNames.MU), enc.mu());
                same.accept(want.get(VaeNames.LOGVAR), enc.logVar());
                LossTerms terms = vae.lossTerms(x, eps);
                same.accept(want.get(VaeNames.RECON_EPS), terms.reconstruction());
                same.accept(want.get(VaeNames.KL), terms.kl());
                same.accept(vae.graph().outputSingle(Map.of(VaeNames.Z_IN, eps), VaeNames.MEAN_Z), vae.decode(eps));
                // train a little: the parameters move, and inference must follow them
                TestData.fit(vae, TestData.iterator(TestData.binaryPatterns(16, config.inputSize(), 2, 1)
                        .castTo(dt), 8), 1);
            }
        }
    }

    /**
     * In FLOAT on the CPU backend the Bernoulli NLLs that scoring reads (the fixed-noise branch's reconstruction
     * term, and the decoding branch's NLL that importance sampling reads) come from a Java kernel. They equal
     * SameDiff's values of the same graph to float rounding, for rows of fewer and of more pixels than one product
     * of the kernel takes, with logits scaled far from 0.
     */
    @ParameterizedTest(name = "{0} pixels, {1} rows")
    @org.junit.jupiter.params.provider.CsvSource({"12, 5", "600, 5", "600, " + (Inference.BLOCK + 3)})
    void javaScoringKernelEqualsSameDiffOutput(int pixels, int rows) {
        VaeConfig config = VaeConfig.builder().setInputSize(pixels).setLatentSize(3).optEncoderHidden(List.of(7))
                .build();
        try (Vae vae = Vae.create(config, DataType.FLOAT); Inference inference = new Inference(vae.graph())) {
            for (org.nd4j.autodiff.samediff.SDVariable v : vae.graph().variables()) {
                if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                    v.getArr().muli(4); // logits of tens
                }
            }
            INDArray x = TestData.uniform(rows, pixels, 5, DataType.FLOAT);
            INDArray eps = TestData.gaussian(rows, config.latentSize(), 6, DataType.FLOAT);
            INDArray z = TestData.gaussian(rows, config.latentSize(), 7, DataType.FLOAT);
            INDArray recon = vae.graph().output(Map.of(VaeNames.X, x, VaeNames.EPS, eps), VaeNames.RECON_EPS)
                    .get(VaeNames.RECON_EPS);
            INDArray nll = vae.graph().output(Map.of(VaeNames.Z_IN, z, VaeNames.X_TARGET, x), VaeNames.NLL_Z)
                    .get(VaeNames.NLL_Z);
            org.junit.jupiter.api.Assertions.assertTrue(recon.amaxNumber().doubleValue() > 5 * pixels,
                    "logits far from 0 give large NLLs");
            close(recon, vae.lossTerms(x, eps).reconstruction());
            close(nll, inference.single(Map.of(VaeNames.Z_IN, z, VaeNames.X_TARGET, x), VaeNames.NLL_Z));
            CompiledGraph graph = inference.compiled(Map.of(VaeNames.Z_IN, z, VaeNames.X_TARGET, x),
                    Math.min(rows, Inference.BLOCK), VaeNames.NLL_Z).graph();
            org.junit.jupiter.api.Assertions.assertTrue(java.util.stream.IntStream.range(0, graph.size())
                    .anyMatch(i -> graph.label(i).contains("bernoulli nll")), "the Java kernel computed it");
        }
    }

    private static void close(INDArray want, INDArray got) {
        assertArrayEquals(want.shape(), got.shape());
        INDArray w = want.castTo(DataType.DOUBLE);
        INDArray g = got.castTo(DataType.DOUBLE);
        double err = w.sub(g).div(abs(w).add(1)).amaxNumber().doubleValue();
        assertEquals(0, err, 1e-5);
    }

    private static INDArray abs(INDArray a) {
        return org.nd4j.linalg.ops.transforms.Transforms.abs(a, true);
    }

    private static void same(INDArray want, INDArray got) {
        assertArrayEquals(want.shape(), got.shape());
        double scale = Math.max(1, want.amaxNumber().doubleValue());
        assertEquals(0, want.sub(got).amaxNumber().doubleValue(), 1e-12 * scale);
    }
}
