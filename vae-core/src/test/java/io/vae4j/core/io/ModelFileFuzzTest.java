package io.vae4j.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.model.Vae;
import io.vae4j.core.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and inconsistent model files: each load either gives a model that works or one {@link IOException}
 * naming the file, never another exception or an Error. The default suite runs a few seconds of random damage;
 * tag "fuzz" runs a minute.
 */
class ModelFileFuzzTest {
    @TempDir
    Path dir;

    private static final VaeConfig CONFIG = VaeConfig.builder().setInputSize(12).setLatentSize(3)
            .optEncoderHidden(List.of(6)).optBatchSize(8).build();

    private Path saved() throws IOException {
        Path file = dir.resolve("good.vae");
        if (!Files.exists(file)) {
            try (Vae vae = Vae.create(CONFIG)) {
                TestData.fit(vae, TestData.iterator(TestData.binaryPatterns(16, 12, 2, 1), 8), 1);
                vae.save(file);
            }
        }
        return file;
    }

    /** The probe's findings: corrupt compressed data, a graph of zeros, a configuration that lies about the graph. */
    @Test
    void inconsistentFilesAreRejectedNamingTheFile() throws IOException {
        Map<String, byte[]> entries = entries(Files.readAllBytes(saved()));
        // a graph entry of zeros, with a correct CRC
        rejected(rewrite("zeros.vae", entries, ModelFile.GRAPH_ENTRY, b -> new byte[b.length]), "graph");
        // configurations that do not match the graph
        for (String[] lie : new String[][] {{"\"latentSize\" : 3", "\"latentSize\" : 2", "latentSize 2"},
            {"\"kind\" : \"VAE\"", "\"kind\" : \"AE\"", ""}, {"\"encoderHidden\" : [ 6 ]",
                "\"encoderHidden\" : [ 7 ]", "hidden [7]"}, {"\"height\" : 1", "\"height\" : 2", ""}}) {
            Path f = rewrite("lie.vae", entries, ModelFile.META_ENTRY, b -> new String(b, StandardCharsets.UTF_8)
                    .replace(lie[0], lie[1]).getBytes(StandardCharsets.UTF_8));
            assertTrue(new String(entries(Files.readAllBytes(f)).get(ModelFile.META_ENTRY), StandardCharsets.UTF_8)
                    .contains(lie[1]), "the test did not change " + lie[0]);
            rejected(f, lie[2]);
        }
    }

    @Test
    void damagedFilesLoadAsWorkingModelsOrFailWithOneClearError() throws IOException {
        fuzz(Long.getLong("vae.fuzz.millis", 4_000));
    }

    @Test
    @Tag("fuzz")
    void damagedFilesForAMinute() throws IOException {
        fuzz(60_000);
    }

    private void fuzz(long millis) throws IOException {
        byte[] good = Files.readAllBytes(saved());
        SplittableRandom rnd = new SplittableRandom(7);
        long end = System.nanoTime() + millis * 1_000_000;
        int cases = 0;
        int loaded = 0;
        int rejected = 0;
        Path f = dir.resolve("fuzz.vae");
        while (System.nanoTime() < end) {
            byte[] bad = good.clone();
            if (rnd.nextInt(4) == 0) {
                bad = java.util.Arrays.copyOf(bad, rnd.nextInt(bad.length));
            } else {
                for (int i = rnd.nextInt(1, 8); i > 0; i--) {
                    bad[rnd.nextInt(bad.length)] ^= (byte) rnd.nextInt(1, 256);
                }
            }
            Files.write(f, bad);
            cases++;
            try (Vae vae = Vae.load(f)) {
                // it loaded: it must work
                vae.encode(TestData.uniform(2, 12, 3, org.nd4j.linalg.api.buffer.DataType.FLOAT));
                loaded++;
            } catch (IOException e) {
                assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
                rejected++;
            } catch (RuntimeException | Error e) {
                fail("case " + cases + ": " + e, e);
            }
        }
        System.out.printf("model fuzz: %d cases in %d ms: %d loaded and worked, %d rejected with one message%n",
                cases, millis, loaded, rejected);
        assertTrue(cases > 20, "only " + cases + " cases");
    }

    private static void rejected(Path file, String why) {
        IOException e = assertThrows(IOException.class, () -> {
            try (Vae vae = Vae.load(file)) {
                vae.encode(TestData.uniform(1, 12, 3, org.nd4j.linalg.api.buffer.DataType.FLOAT));
            }
        });
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(why), e.getMessage());
    }

    private static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    private Path rewrite(String name, Map<String, byte[]> entries, String entry, UnaryOperator<byte[]> change)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getKey().equals(entry) ? change.apply(e.getValue()) : e.getValue());
                zip.closeEntry();
            }
        }
        return Files.write(dir.resolve(name), bytes.toByteArray());
    }

}
