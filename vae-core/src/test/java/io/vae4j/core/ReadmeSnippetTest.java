package io.vae4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.eval.ElboResult;
import io.vae4j.core.model.Vae;
import io.vae4j.core.testing.TestData;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The README's "Using the library" snippet compiles exactly as printed, imports and all, against vae-core and a
 * backend, and runs: it trains a model that beats an untrained one, saves it, and trains the saved model on.
 */
class ReadmeSnippetTest {
    private static final String MARKER = "<!-- compiled and run by ReadmeSnippetTest -->";

    @TempDir
    Path dir;

    @Test
    void theSnippetCompilesAsPrintedAndRuns() throws Exception {
        Path source = dir.resolve("QuickStart.java");
        Files.writeString(source, snippet());
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        assertEquals(0, javac.run(null, null, null, "-cp", classPath, "-d", classes.toString(), source.toString()),
                "the README's snippet compiles");

        // train and test images from the same five prototypes
        INDArray all = TestData.binaryPatterns(320, 784, 5, 1);
        INDArray train = all.get(NDArrayIndex.interval(0, 256), NDArrayIndex.all());
        INDArray test = all.get(NDArrayIndex.interval(256, 320), NDArrayIndex.all());
        Path modelFile = dir.resolve("model.vae");
        ElboResult result;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Method run = loader.loadClass("QuickStart").getMethod("run", DataSetIterator.class,
                    DataSetIterator.class, INDArray.class, Path.class);
            result = (ElboResult) run.invoke(null, TestData.iterator(train, 32), TestData.iterator(test, 128),
                    test.getRows(0, 1, 2, 3), modelFile);
        }
        assertEquals(64, result.examples());
        double untrained;
        try (Vae fresh = Vae.create(VaeConfig.builder().setInputShape(1, 28, 28).setLatentSize(20).build())) {
            untrained = fresh.evaluate(TestData.iterator(test, 128)).negElbo();
        }
        assertTrue(result.negElbo() > 0 && result.negElbo() < untrained - 10,
                "-ELBO " + result.negElbo() + " after training vs " + untrained + " untrained");
        try (Vae saved = Vae.load(modelFile)) {
            assertEquals(4, saved.epochsDone(), "3 epochs, saved, loaded, one more, saved");
        }
    }

    /** The fenced Java block after the marker in README.md. */
    private static String snippet() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        int start = readme.indexOf(MARKER);
        assertTrue(start >= 0, "README.md has the marker " + MARKER);
        assertEquals("```java", readme.get(start + 1));
        int end = start + 2;
        while (!readme.get(end).equals("```")) {
            end++;
        }
        return String.join("\n", readme.subList(start + 2, end)) + "\n";
    }
}
