package io.vae4j.bench;

import io.vae4j.core.graph.Layout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The machine's limit for a training step: only the step's matrix products, at its shapes, through ND4J's gemm and
 * the chosen native build. For each dense layer of the MLP (in -&gt; out) and a batch of B: the forward product
 * [B, in] x [in, out], the weight gradient [in, B] x [B, out], and, except for the first layer, whose input needs
 * none, the input gradient [B, out] x [out, in]. One invocation does as many steps as {@link TrainingBenchmark}'s,
 * so the runner reports samples/s of both alike; their ratio is the share of the hardware's matrix-product rate
 * that the whole step achieves.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GemmBenchmark {
    @Param({"mlp"})
    public String model;

    @Param({"32", "128", "512", "2048"})
    public int batch;

    /** A product C = op(A) op(B). */
    private record Product(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
    }

    private final List<Product> products = new ArrayList<>();
    private int steps;

    @Setup(Level.Trial)
    public void setUp() {
        BenchModels.checkBackend();
        steps = BenchModels.stepsPerInvocation(batch);
        boolean first = true;
        for (Layout.Layer l : layers(model, batch)) {
            INDArray x = Nd4j.rand(DataType.FLOAT, batch, l.in());
            INDArray w = Nd4j.rand(DataType.FLOAT, l.in(), l.out());
            INDArray y = Nd4j.create(DataType.FLOAT, batch, l.out());
            products.add(new Product(x, w, y, false, false));
            products.add(new Product(x, y, Nd4j.create(DataType.FLOAT, l.in(), l.out()), true, false));
            if (!first) {
                products.add(new Product(y, w, Nd4j.create(DataType.FLOAT, batch, l.in()), false, true));
            }
            first = false;
        }
    }

    /** The dense layers of a benchmark model's training step: encoder, both heads, decoder. */
    static List<Layout.Layer> layers(String model, int batch) {
        if (!model.equals("mlp")) {
            throw new IllegalArgumentException("the matrix-product limit is measured for the mlp model, not " + model);
        }
        Layout layout = Layout.of(BenchModels.config(model, batch));
        List<Layout.Layer> out = new ArrayList<>(layout.encoder());
        out.add(layout.mu());
        out.add(layout.logVar());
        out.addAll(layout.decoder());
        return out;
    }

    /** Floating-point operations of one training example's matrix products, as this benchmark runs them. */
    static double flopsPerSample(String model) {
        double flops = 0;
        boolean first = true;
        for (Layout.Layer l : layers(model, 1)) {
            flops += (first ? 2 : 3) * 2.0 * l.in() * l.out();
            first = false;
        }
        return flops;
    }

    @Benchmark
    public INDArray gemm() {
        INDArray last = null;
        for (int s = 0; s < steps; s++) {
            for (Product p : products) {
                last = Nd4j.gemm(p.a(), p.b(), p.c(), p.transA(), p.transB(), 1.0, 0.0);
            }
        }
        return last;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Product p : products) {
            p.c().close();
        }
    }
}
