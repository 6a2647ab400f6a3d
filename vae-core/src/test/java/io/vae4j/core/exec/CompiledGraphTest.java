package io.vae4j.core.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.backend.HostKernels;
import io.vae4j.core.testing.TestData;
import io.vae4j.core.compat.Dl4jCompat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The rewrites the compiler makes (matmul_bp as two products, add_bp as an alias and a column sum of ones, a sum over
 * one axis as a product with ones, relu_bp as step * dy or, in FLOAT on the CPU, a Java loop) give SameDiff's own
 * gradients: a two-layer network with biases, ReLU and sums over both axes, its gradients computed by SameDiff and
 * by the compiled gradient function, with the bias gradients written into views of one flat buffer as the trainer
 * binds them. With the host kernels switched off, relu_bp is the two ND4J ops in FLOAT too.
 */
class CompiledGraphTest {
    @ParameterizedTest(name = "{0}, host kernels {2}")
    @CsvSource({"DOUBLE, 1e-12, true", "FLOAT, 2e-6, true", "FLOAT, 2e-6, false"})
    void rewrittenGradientsEqualSameDiffs(DataType type, double tolerance, boolean hostKernels) {
        TestData.withHostKernels(hostKernels, () -> check(type, tolerance, hostKernels));
    }

    private static void check(DataType type, double tolerance, boolean hostKernels) {
        Dl4jCompat.skipTensorflowOpList(); // as the project does before SameDiff differentiates
        Nd4j.getRandom().setSeed(7);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", type, -1, 6);
        SDVariable w1 = sd.var("w1", Nd4j.randn(type, 6, 5));
        SDVariable b1 = sd.var("b1", Nd4j.randn(type, 5));
        SDVariable w2 = sd.var("w2", Nd4j.randn(type, 5, 4));
        SDVariable b2 = sd.var("b2", Nd4j.randn(type, 4));
        SDVariable h = sd.nn().relu(x.mmul(w1).add(b1), 0.0);
        SDVariable out = h.mmul(w2).add(b2);
        // a sum over each axis, both reaching the loss
        SDVariable rows = sd.math().square(out).sum(1);
        SDVariable cols = out.sum(0);
        SDVariable loss = rows.mean().add(sd.math().square(cols).sum().mul(0.1));
        loss.markAsLoss();
        INDArray input = Nd4j.randn(type, 9, 6);
        Map<String, INDArray> want = sd.calculateGradients(Map.of("x", input), "w1", "b1", "w2", "b2");

        SameDiff grad = sd.getFunction("grad");
        INDArray flat = Nd4j.create(type, 3 + 5 + 4);
        Map<String, INDArray> bound = new HashMap<>();
        bound.put(b1.getGradient().name(), flat.get(NDArrayIndex.interval(3, 8)));
        bound.put(b2.getGradient().name(), flat.get(NDArrayIndex.interval(8, 12)));
        List<String> names = List.of("w1", "b1", "w2", "b2");
        List<String> gradNames = new ArrayList<>();
        for (String n : names) {
            gradNames.add(sd.getVariable(n).getGradient().name());
        }
        try (CompiledGraph g = GraphCompiler.compile(grad, Map.of("x", input.dup()), bound, Set.copyOf(gradNames),
                Map.of())) {
            g.run();
            for (int i = 0; i < names.size(); i++) {
                INDArray got = g.value(gradNames.get(i));
                INDArray expected = want.get(names.get(i));
                assertArrayEquals(expected.shape(), got.shape(), names.get(i));
                double err = expected.sub(got).amaxNumber().doubleValue() / Math.max(1, expected.amaxNumber()
                        .doubleValue());
                assertEquals(0, err, tolerance, names.get(i));
            }
            assertEquals(0, want.get("b2").sub(flat.get(NDArrayIndex.interval(8, 12))).amaxNumber().doubleValue(),
                    tolerance * Math.max(1, want.get("b2").amaxNumber().doubleValue()), "b2 written into the view");

            List<String> labels = IntStream.range(0, g.size()).mapToObj(g::label).toList();
            assertFalse(labels.stream().anyMatch(l -> l.startsWith("matmul_bp") || l.startsWith("add_bp")
                    || l.startsWith("thresholdedrelu_bp")), labels.toString());
            for (SDVariable sum : List.of(rows, cols)) {
                String op = sd.getVariables().get(sum.name()).getOutputOfOp();
                assertTrue(labels.contains("matmul (" + op + ")"), op + " as a product: " + labels);
            }
            assertTrue(labels.stream().anyMatch(l -> l.contains(": dA")), labels.toString());
            assertTrue(labels.stream().anyMatch(l -> l.contains(": bias")), labels.toString());
            String relu = type == DataType.FLOAT && hostKernels ? "relu_bp thresholdedrelu_bp (Java)"
                    : "multiply (thresholdedrelu_bp: step * dy)";
            assertTrue(labels.contains(relu), relu + ": " + labels);
            assertEquals(type == DataType.FLOAT && hostKernels, g.hasHostKernels());
        }
    }
}
