package io.vae4j.bench;

import io.vae4j.core.model.Vae;
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

/** Inference throughput on one batch per invocation: encode, decode from the prior, and -ELBO scoring. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InferenceBenchmark {
    @Param({"mlp", "conv"})
    public String model;

    @Param({"128", "2048"})
    public int batch;

    private Vae vae;
    private INDArray x;
    private INDArray z;

    @Setup(Level.Trial)
    public void setUp() {
        BenchModels.checkBackend();
        vae = Vae.create(BenchModels.config(model, batch));
        x = BenchModels.images(batch, 5);
        z = Nd4j.randn(DataType.FLOAT, batch, vae.config().latentSize());
        TrainingBenchmark.verifyLoss(vae, x);
    }

    @Benchmark
    public INDArray encode() {
        return vae.encode(x).mu();
    }

    @Benchmark
    public INDArray decode() {
        return vae.decode(z);
    }

    @Benchmark
    public double[] score() {
        return vae.anomalyScores(x, 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        vae.close();
    }
}
