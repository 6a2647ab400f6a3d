package io.vae4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vae4j.core.config.Architecture;
import io.vae4j.core.config.VaeConfig;
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
 * split into blocks and the concatenation are exercised), before and after training (which moves the parameters).
 */
class InferenceTest {
    static Stream<Arguments> cases() {
        VaeConfig mlp = VaeConfig.builder().setInputSize(12).setLatentSize(3).optEncoderHidden(List.of(7)).build();
        VaeConfig conv = VaeConfig.builder().setInputShape(1, 4, 4).setLatentSize(2)
                .optArchitecture(Architecture.CONV).optConvChannels(List.of(3)).optEncoderHidden(List.of(5)).build();
        return Stream.of(Arguments.of("mlp", mlp, 5), Arguments.of("mlp", mlp, Inference.BLOCK + 3),
                Arguments.of("conv", conv, 5), Arguments.of("conv", conv, Inference.BLOCK + 3));
    }

    @ParameterizedTest(name = "{0}, {2} rows")
    @MethodSource("cases")
    void compiledInferenceEqualsSameDiffOutput(String name, VaeConfig config, int rows) {
        try (Vae vae = Vae.create(config, DataType.DOUBLE)) {
            for (int round = 0; round < 2; round++) {
                INDArray x = TestData.uniform(rows, config.inputSize(), 5 + round, DataType.DOUBLE);
                INDArray eps = TestData.gaussian(rows, config.latentSize(), 6 + round, DataType.DOUBLE);
                Map<String, INDArray> want = vae.graph().output(Map.of(VaeNames.X, x, VaeNames.EPS, eps),
                        VaeNames.MU, VaeNames.LOGVAR, VaeNames.RECON_EPS, VaeNames.KL);
                Encoding enc = vae.encode(x);
                same(want.get(VaeNames.MU), enc.mu());
                same(want.get(VaeNames.LOGVAR), enc.logVar());
                LossTerms terms = vae.lossTerms(x, eps);
                same(want.get(VaeNames.RECON_EPS), terms.reconstruction());
                same(want.get(VaeNames.KL), terms.kl());
                same(vae.graph().outputSingle(Map.of(VaeNames.Z_IN, eps), VaeNames.MEAN_Z), vae.decode(eps));
                // train a little: the parameters move, and inference must follow them
                vae.fit(TestData.iterator(TestData.binaryPatterns(16, config.inputSize(), 2, 1)
                        .castTo(DataType.DOUBLE), 8), 1);
            }
        }
    }

    private static void same(INDArray want, INDArray got) {
        assertArrayEquals(want.shape(), got.shape());
        double scale = Math.max(1, want.amaxNumber().doubleValue());
        assertEquals(0, want.sub(got).amaxNumber().doubleValue(), 1e-12 * scale);
    }
}
