package io.vae4j.core.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.config.Architecture;
import io.vae4j.core.config.Likelihood;
import io.vae4j.core.config.ModelKind;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.io.ModelFileException;
import io.vae4j.core.graph.Encoding;
import io.vae4j.core.model.Vae;
import io.vae4j.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Exported DL4J networks compute what the SameDiff model computes. */
class Dl4jExportTest {
    private static final float TOLERANCE = 1e-5f;

    @TempDir
    Path dir;

    static Stream<Arguments> models() {
        VaeConfig.Builder mlp = VaeConfig.builder().setInputShape(1, 8, 8).setLatentSize(3)
                .optEncoderHidden(List.of(16, 12)).optDecoderHidden(List.of(10, 14)).optBatchSize(16);
        return Stream.of(
                Arguments.of("mlp bernoulli relu", mlp.build()),
                Arguments.of("mlp gaussian tanh", mlp.optLikelihood(Likelihood.GAUSSIAN).optGaussianVariance(0.2)
                        .optActivation(io.vae4j.core.config.Activation.TANH).build()),
                Arguments.of("mlp autoencoder", mlp.optLikelihood(Likelihood.BERNOULLI).optKind(ModelKind.AE)
                        .optActivation(io.vae4j.core.config.Activation.ELU).build()),
                Arguments.of("mlp conditional", mlp.optLikelihood(Likelihood.BERNOULLI).optKind(ModelKind.CVAE)
                        .optClasses(4).optActivation(io.vae4j.core.config.Activation.RELU).build()),
                Arguments.of("conv bernoulli", VaeConfig.builder().setInputShape(1, 8, 8).setLatentSize(2)
                        .optArchitecture(Architecture.CONV).optConvChannels(List.of(4, 6)).optEncoderHidden(List.of(10))
                        .optDecoderHidden(List.of(9)).optBatchSize(16).build()),
                Arguments.of("conv leaky relu, no dense layers", VaeConfig.builder().setInputShape(1, 8, 8)
                        .setLatentSize(2).optArchitecture(Architecture.CONV).optConvChannels(List.of(3))
                        .optEncoderHidden(List.of()).optDecoderHidden(List.of())
                        .optActivation(io.vae4j.core.config.Activation.LEAKY_RELU).optBatchSize(16).build()));
    }

    private static Vae trained(VaeConfig c) {
        Vae vae = Vae.create(c);
        TestData.fit(vae, TestData.iterator(TestData.inputs(TestData.binaryPatterns(32, 64, 3, 1), c), 16), 2);
        return vae;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void exportedNetworksMatchTheModelAfterASaveAndRestore(String name, VaeConfig c) throws IOException {
        try (Vae vae = trained(c)) {
            List<Path> files = Dl4jExport.write(vae, dir, 123.4);
            ComputationGraph encoder = ModelSerializer.restoreComputationGraph(dir.resolve("encoder.zip").toFile());
            MultiLayerNetwork decoder = ModelSerializer.restoreMultiLayerNetwork(dir.resolve("decoder.zip").toFile());
            INDArray x = TestData.inputs(TestData.uniform(10, 64, 5, DataType.FLOAT), c);
            INDArray z = TestData.inputs(TestData.gaussian(10, c.latentSize(), 6, DataType.FLOAT), c);
            Encoding expected = vae.encode(x);
            INDArray[] got = encoder.output(x);
            assertClose(expected.mu(), got[0], name + " mu");
            if (c.variational()) {
                assertEquals(2, got.length);
                assertClose(expected.logVar(), got[1], name + " logvar");
            } else {
                assertEquals(1, got.length);
            }
            assertClose(vae.decode(z), decoder.output(z), name + " decoded means");
            ExportMetadata meta = Dl4jExport.readMetadata(dir.resolve("encoder.zip"));
            assertEquals(ExportMetadata.ENCODER, meta.role());
            assertEquals(c.latentSize(), meta.latentSize());
            assertEquals(List.of(1, 8, 8), meta.inputShape());
            assertEquals(2, meta.epochs());
            assertEquals(123.4, meta.testNegElbo());
            assertEquals(c.classes(), meta.classes());
            assertEquals(c.conditional(), meta.extraInput() != null && meta.extraInput().contains("input width "
                    + c.featureSize()));
            assertEquals(Dl4jExport.supportsDl4jVae(c), files.contains(dir.resolve("dl4j-vae.zip")));
        }
    }

    /** Exporting a conv model where an MLP VAE was exported leaves the conv model's set, not a mixed one. */
    @Test
    void aSecondExportReplacesTheWholeSet() throws IOException {
        List<Arguments> all = models().toList();
        VaeConfig mlp = (VaeConfig) all.get(0).get()[1];
        VaeConfig conv = (VaeConfig) all.stream().filter(a -> a.get()[0].equals("conv bernoulli")).findFirst()
                .orElseThrow().get()[1];
        try (Vae first = trained(mlp); Vae second = trained(conv)) {
            Dl4jExport.write(first, dir, Double.NaN);
            assertTrue(java.nio.file.Files.exists(dir.resolve(Dl4jExport.DL4J_VAE_FILE)));
            List<Path> files = Dl4jExport.write(second, dir, Double.NaN);
            assertFalse(java.nio.file.Files.exists(dir.resolve(Dl4jExport.DL4J_VAE_FILE)),
                    "an MLP's dl4j-vae.zip was left beside a conv model's encoder and decoder");
            try (java.util.stream.Stream<Path> left = java.nio.file.Files.list(dir)) {
                assertEquals(new java.util.HashSet<>(files), left.collect(java.util.stream.Collectors.toSet()));
            }
            assertEquals(Architecture.CONV.name(),
                    Dl4jExport.readMetadata(dir.resolve(Dl4jExport.ENCODER_FILE)).architecture());
        }
    }

    /** DL4J's own VAE layer: its mean of p(z|x) and generateAtMeanGivenZ equal the model's mu and decoded means. */
    @Test
    void dl4jVariationalAutoencoderLayerMatchesTheModel() throws IOException {
        for (Likelihood likelihood : Likelihood.values()) {
            VaeConfig c = VaeConfig.builder().setInputShape(1, 8, 8).setLatentSize(3).optEncoderHidden(List.of(16))
                    .optLikelihood(likelihood).optGaussianVariance(0.5).optBatchSize(16).build();
            try (Vae vae = trained(c)) {
                Dl4jExport.write(vae, dir, Double.NaN);
                MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(dir.resolve("dl4j-vae.zip").toFile());
                org.deeplearning4j.nn.layers.variational.VariationalAutoencoder layer =
                        (org.deeplearning4j.nn.layers.variational.VariationalAutoencoder) net.getLayer(0);
                INDArray x = TestData.uniform(7, 64, 2, DataType.FLOAT);
                INDArray z = TestData.gaussian(7, 3, 3, DataType.FLOAT);
                assertClose(vae.encode(x).mu(), net.output(x), likelihood + " mu");
                assertClose(vae.decode(z), layer.generateAtMeanGivenZ(z), likelihood + " generateAtMeanGivenZ");
                if (likelihood == Likelihood.BERNOULLI) {
                    // DL4J's reconstruction log-probability with one sample vs the model's -log p(x|z) at z = mu + ...
                    INDArray logProb = layer.reconstructionLogProbability(x, 1);
                    assertEquals(7, logProb.length());
                    assertTrue(logProb.maxNumber().doubleValue() < 0);
                }
            }
        }
    }

    @Test
    void badFilesGiveAClearError() throws IOException {
        VaeConfig c = VaeConfig.builder().setInputShape(1, 8, 8).setLatentSize(2).optEncoderHidden(List.of(8)).build();
        try (Vae vae = Vae.create(c)) {
            Dl4jExport.write(vae, dir, Double.NaN);
        }
        Path enc = dir.resolve("encoder.zip");
        Path dec = dir.resolve("decoder.zip");
        assertTrue(Dl4jExport.restoreEncoder(enc).getNumOutputArrays() == 2);
        assertEquals(2, Dl4jExport.restoreDecoder(dec).layerInputSize(0));

        byte[] bytes = Files.readAllBytes(enc);
        Path truncated = dir.resolve("truncated.zip");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        ModelFileException t = assertThrows(ModelFileException.class, () -> Dl4jExport.restoreEncoder(truncated));
        assertTrue(t.getMessage().startsWith(truncated.toString()) && t.getMessage().contains("corrupt or truncated"),
                t.getMessage());

        Path garbage = dir.resolve("garbage.zip");
        Files.writeString(garbage, "not a zip");
        assertTrue(assertThrows(ModelFileException.class, () -> Dl4jExport.restoreDecoder(garbage)).getMessage()
                .contains("corrupt or truncated"));

        ModelFileException swapped = assertThrows(ModelFileException.class, () -> Dl4jExport.restoreDecoder(enc));
        assertTrue(swapped.getMessage().contains("holds the encoder, not the decoder"), swapped.getMessage());

        // A plain DL4J network without our metadata is "another kind of network".
        Path foreign = dir.resolve("foreign.zip");
        ModelSerializer.writeModel(Dl4jExport.decoder(Vae.create(c)), foreign.toFile(), false);
        assertTrue(assertThrows(ModelFileException.class, () -> Dl4jExport.restoreDecoder(foreign)).getMessage()
                .contains("not exported by vae4j"));
        assertFalse(Files.exists(dir.resolve("missing.zip")));
        assertTrue(assertThrows(ModelFileException.class, () -> Dl4jExport.restoreEncoder(dir.resolve("missing.zip")))
                .getMessage().contains("no such exported model file"));
    }

    @Test
    void aConditionalConvModelIsRefusedWithAReason() {
        VaeConfig c = VaeConfig.builder().setInputShape(1, 8, 8).setLatentSize(2).optArchitecture(Architecture.CONV)
                .optConvChannels(List.of(3)).optKind(ModelKind.CVAE).build();
        try (Vae vae = Vae.create(c)) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Dl4jExport.write(vae, dir.resolve("cvae-conv"), Double.NaN));
            assertTrue(e.getMessage().startsWith("a conditional conv model cannot be exported"), e.getMessage());
            assertTrue(!java.nio.file.Files.exists(dir.resolve("cvae-conv")));
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        float[] e = expected.castTo(DataType.FLOAT).reshape(-1).toFloatVector();
        float[] a = actual.castTo(DataType.FLOAT).reshape(-1).toFloatVector();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], TOLERANCE * Math.max(1f, Math.abs(e[i])), what + "[" + i + "]");
        }
    }
}
