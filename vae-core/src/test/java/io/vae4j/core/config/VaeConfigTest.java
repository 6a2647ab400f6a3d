package io.vae4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VaeConfigTest {

    @Test
    void defaultsAreTheReferenceProtocol() {
        VaeConfig c = VaeConfig.builder().build();
        assertEquals(784, c.inputSize());
        assertEquals(List.of(400), c.encoderHidden());
        assertEquals(List.of(400), c.decoderHidden());
        assertEquals(20, c.latentSize());
        assertEquals(Likelihood.BERNOULLI, c.likelihood());
        assertEquals(Activation.RELU, c.activation());
        assertEquals(1e-3, c.learningRate());
        assertEquals(128, c.batchSize());
        assertEquals(1.0, c.beta());
        assertEquals(ModelKind.VAE, c.kind());
    }

    @Test
    void decoderMirrorsEncoderUnlessSet() {
        assertEquals(List.of(200, 500), VaeConfig.builder().optEncoderHidden(List.of(500, 200)).build()
                .decoderHidden());
        assertEquals(List.of(7), VaeConfig.builder().optEncoderHidden(List.of(500, 200))
                .optDecoderHidden(List.of(7)).build().decoderHidden());
    }

    @Test
    void betaWarmsUpLinearlyAndIsZeroForAutoencoders() {
        VaeConfig c = VaeConfig.builder().optBeta(4).optWarmupEpochs(4).build();
        assertEquals(0.0, c.betaAt(0));
        assertEquals(1.0, c.betaAt(1));
        assertEquals(3.0, c.betaAt(3));
        assertEquals(4.0, c.betaAt(4));
        assertEquals(4.0, c.betaAt(40));
        assertEquals(0.0, c.toBuilder().optKind(ModelKind.AE).build().betaAt(9));
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("latentSize must be in [1, 65536], got 0", b -> b.setLatentSize(0)),
                bad("channels must be in [1, 65536], got -1", b -> b.setInputShape(-1, 28, 28)),
                bad("width must be in [1, 65536], got 0", b -> b.setInputSize(0)),
                bad("encoderHidden[1] must be in [1, 65536], got 0", b -> b.optEncoderHidden(List.of(10, 0))),
                bad("encoderHidden must be set, got null", b -> b.optEncoderHidden(null)),
                bad("beta must be a finite number >= 0, got -0.5", b -> b.optBeta(-0.5)),
                bad("beta must be a finite number >= 0, got NaN", b -> b.optBeta(Double.NaN)),
                bad("warmupEpochs must be >= 0, got -2", b -> b.optWarmupEpochs(-2)),
                bad("learningRate must be in (0, 10], got 0.0", b -> b.optLearningRate(0)),
                bad("batchSize must be in [1, 65536], got 0", b -> b.optBatchSize(0)),
                bad("gaussianVariance must be a finite number > 0, got 0.0",
                        b -> b.optLikelihood(Likelihood.GAUSSIAN).optGaussianVariance(0)),
                bad("architecture must be set, got null", b -> b.optArchitecture(null)),
                bad("input height and width must be divisible by 4 for 2 stride-2 conv layers, got 30x30",
                        b -> b.setInputShape(1, 30, 30).optArchitecture(Architecture.CONV)),
                bad("convChannels must name at least one conv layer",
                        b -> b.optArchitecture(Architecture.CONV).optConvChannels(List.of())));
    }

    private static Arguments bad(String message, UnaryOperator<VaeConfig.Builder> change) {
        return Arguments.of(message, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void badValuesAreRejectedNamingTheField(String message, UnaryOperator<VaeConfig.Builder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> change.apply(VaeConfig.builder()).build());
        assertEquals(true, e.getMessage().startsWith(message), e.getMessage());
    }
}
