package io.vae4j.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.config.Architecture;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.model.Vae;
import io.vae4j.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class PersistenceTest {
    private static final VaeConfig CONFIG = VaeConfig.builder().setInputSize(24).setLatentSize(3)
            .optEncoderHidden(List.of(16)).optBatchSize(8).optWarmupEpochs(2).optSeed(17).build();

    @TempDir
    Path dir;

    private static INDArray data() {
        return TestData.binaryPatterns(40, 24, 3, 5);
    }

    private static Map<String, float[]> params(Vae vae) {
        Map<String, float[]> out = new TreeMap<>();
        for (SDVariable v : vae.graph().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                out.put(v.name(), v.getArr().dup().reshape(-1).toFloatVector());
            }
        }
        return out;
    }

    @Test
    void saveThenLoadGivesIdenticalOutputs() throws IOException {
        Path file = dir.resolve("model.vae");
        INDArray x = data();
        INDArray eps = TestData.gaussian(40, 3, 8, DataType.FLOAT);
        try (Vae vae = Vae.create(CONFIG)) {
            TestData.fit(vae, TestData.iterator(x, 8), 2);
            vae.save(file);
            try (Vae loaded = Vae.load(file)) {
                assertEquals(CONFIG, loaded.config());
                assertEquals(2, loaded.epochsDone());
                assertArrayEquals(vae.encode(x).mu().reshape(-1).toFloatVector(),
                        loaded.encode(x).mu().reshape(-1).toFloatVector(), 0f);
                assertArrayEquals(vae.encode(x).logVar().reshape(-1).toFloatVector(),
                        loaded.encode(x).logVar().reshape(-1).toFloatVector(), 0f);
                assertArrayEquals(vae.sample(5, 3).reshape(-1).toFloatVector(),
                        loaded.sample(5, 3).reshape(-1).toFloatVector(), 0f);
                assertArrayEquals(vae.lossTerms(x, eps).reconstruction().toFloatVector(),
                        loaded.lossTerms(x, eps).reconstruction().toFloatVector(), 0f);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left next to the model");
        }
        // written through a 0600 temporary file, but readable like any other output
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));
    }

    /**
     * Train 2 epochs, save, train 2 more; separately load the saved model and train 2 more. Same seed, same batches:
     * the parameters must agree (Adam moments and step count restored, noise re-seeded per epoch, warm-up beta
     * taken from the saved epoch count).
     */
    @Test
    void resumedRunMatchesUninterruptedRun() throws IOException {
        Path file = dir.resolve("half.vae");
        INDArray x = data();
        Map<String, float[]> uninterrupted;
        try (Vae vae = Vae.create(CONFIG)) {
            TestData.fit(vae, TestData.iterator(x, 8), 2);
            vae.save(file);
            TestData.fit(vae, TestData.iterator(x, 8), 2);
            uninterrupted = params(vae);
        }
        Map<String, float[]> resumed;
        try (Vae vae = Vae.load(file)) {
            TestData.fit(vae, TestData.iterator(x, 8), 2);
            assertEquals(4, vae.epochsDone());
            resumed = params(vae);
        }
        Map<String, float[]> fresh;
        try (Vae vae = Vae.create(CONFIG)) {
            fresh = params(vae);
        }
        assertEquals(uninterrupted.keySet(), resumed.keySet());
        for (String name : uninterrupted.keySet()) {
            assertArrayEquals(uninterrupted.get(name), resumed.get(name), 1e-6f, name);
            // and training did move the parameters, so the comparison is not trivially true
            assertTrue(maxAbsDiff(uninterrupted.get(name), fresh.get(name)) > 1e-3, name + " did not train");
        }
    }

    @Test
    void convModelRoundTrips() throws IOException {
        VaeConfig conv = VaeConfig.builder().setInputShape(1, 8, 8).setLatentSize(2)
                .optArchitecture(Architecture.CONV).optConvChannels(List.of(4, 8)).optEncoderHidden(List.of(16))
                .optBatchSize(8).build();
        Path file = dir.resolve("conv.vae");
        INDArray x = TestData.binaryPatterns(8, 64, 2, 1);
        try (Vae vae = Vae.create(conv)) {
            TestData.fit(vae, TestData.iterator(x, 8), 1);
            vae.save(file);
            try (Vae loaded = Vae.load(file)) {
                assertArrayEquals(vae.reconstruct(x).reshape(-1).toFloatVector(),
                        loaded.reconstruct(x).reshape(-1).toFloatVector(), 0f);
            }
        }
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void missingTruncatedAndForeignFilesFailWithTheFileName() throws IOException {
        Path good = dir.resolve("good.vae");
        try (Vae vae = Vae.create(CONFIG)) {
            vae.save(good);
        }
        byte[] bytes = Files.readAllBytes(good);

        Path missing = dir.resolve("missing.vae");
        assertMessage(missing, "no such model file");

        Path truncated = dir.resolve("truncated.vae");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertMessage(truncated, "truncated");

        Path text = dir.resolve("notes.vae");
        Files.writeString(text, "this is not a model");
        assertMessage(text, "not a zip archive");

        Path otherZip = dir.resolve("other.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(otherZip))) {
            zip.putNextEntry(new ZipEntry("configuration.json"));
            zip.write("{}".getBytes());
            zip.closeEntry();
        }
        assertMessage(otherZip, "not a vae4j model");

        Path badConfig = dir.resolve("badconfig.vae");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(badConfig))) {
            zip.putNextEntry(new ZipEntry(ModelFile.META_ENTRY));
            zip.write(("{\"format\":\"vae4j-model\",\"formatVersion\":1,\"epochsDone\":0,"
                    + "\"config\":{\"channels\":1,\"height\":1,\"width\":4,\"latentSize\":0}}").getBytes());
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(ModelFile.GRAPH_ENTRY));
            zip.write(new byte[] {1, 2, 3});
            zip.closeEntry();
        }
        assertMessage(badConfig, "configuration is invalid");

        Path corruptGraph = dir.resolve("corruptgraph.vae");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(corruptGraph));
             java.util.zip.ZipFile src = new java.util.zip.ZipFile(good.toFile())) {
            zip.putNextEntry(new ZipEntry(ModelFile.META_ENTRY));
            zip.write(src.getInputStream(src.getEntry(ModelFile.META_ENTRY)).readAllBytes());
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(ModelFile.GRAPH_ENTRY));
            zip.write(new byte[] {7, 7, 7, 7, 7, 7, 7, 7});
            zip.closeEntry();
        }
        assertMessage(corruptGraph, "graph entry is corrupt");

        assertMessage(dir, "is a directory");
    }

    private static void assertMessage(Path file, String expected) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> Vae.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(file, e.file());
    }
}
