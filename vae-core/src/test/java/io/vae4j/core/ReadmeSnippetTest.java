package io.vae4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.model.Vae;
import io.vae4j.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The README's Java snippet is the code of ReadmeExample, and it runs. */
class ReadmeSnippetTest {
    @TempDir
    Path dir;

    @Test
    void readmeShowsExactlyTheCompiledExample() throws IOException {
        List<String> source = Files.readAllLines(Path.of("src/test/java/io/vae4j/core/ReadmeExample.java"));
        int begin = source.indexOf(source.stream().filter(l -> l.trim().equals("// README:begin")).findFirst()
                .orElseThrow());
        int end = source.indexOf(source.stream().filter(l -> l.trim().equals("// README:end")).findFirst()
                .orElseThrow());
        List<String> example = dedent(source.subList(begin + 1, end));
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        int start = readme.indexOf("<!-- snippet: core-api (vae-core/src/test/java/io/vae4j/core/ReadmeExample.java) -->");
        assertTrue(start >= 0, "README has no core-api snippet marker");
        assertEquals("```java", readme.get(start + 1));
        int close = start + 2;
        while (!readme.get(close).equals("```")) {
            close++;
        }
        // The README closes the last try block that the example leaves open for its return statement.
        List<String> shown = readme.subList(start + 2, close);
        assertEquals(example, shown.subList(0, shown.size() - 1));
        assertEquals("}", shown.get(shown.size() - 1));
    }

    @Test
    void theExampleRuns() throws IOException {
        // train and test images from the same five prototypes
        INDArray all = TestData.binaryPatterns(320, 784, 5, 1);
        INDArray train = all.get(NDArrayIndex.interval(0, 256), NDArrayIndex.all());
        INDArray test = all.get(NDArrayIndex.interval(256, 320), NDArrayIndex.all());
        ReadmeExample.Outcome o = ReadmeExample.run(TestData.iterator(train, 32), TestData.iterator(test, 128),
                test.getRows(0, 1, 2, 3), 3, dir.resolve("model.vae"));
        assertEquals(64, o.test().examples());
        double untrained;
        try (Vae fresh = Vae.create(VaeConfig.builder().setInputShape(1, 28, 28).setLatentSize(20).build())) {
            untrained = fresh.evaluate(TestData.iterator(test, 128)).negElbo();
        }
        assertTrue(o.test().negElbo() > 0 && o.test().negElbo() < untrained - 10,
                "-ELBO " + o.test().negElbo() + " after training vs " + untrained + " untrained");
        assertEquals(4, o.code().mu().size(0));
        assertEquals(20, o.code().logVar().size(1));
        assertEquals(64, o.samples().size(0));
        assertEquals(10, o.path().size(0));
        assertTrue(Arrays.stream(o.logPx()).allMatch(v -> Double.isFinite(v) && v < 0));
        assertEquals(4, o.epochsDone());
    }

    private static List<String> dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }
}
