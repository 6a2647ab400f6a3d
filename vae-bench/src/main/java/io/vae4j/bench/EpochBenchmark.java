package io.vae4j.bench;

import io.vae4j.core.model.Vae;
import io.vae4j.core.train.Trainer;
import io.vae4j.mnist.data.MnistIterator;
import io.vae4j.mnist.data.MnistSplit;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * A whole training epoch end to end on MNIST-sized data (60,000 28x28 images held as bytes), through the
 * application's own pipeline: shuffling, byte-to-float conversion and batching on the prefetch thread, then
 * training. A step benchmark can hide pipeline costs; this one cannot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EpochBenchmark {
    @Param({"60000"})
    public int images;

    @Param({"128"})
    public int batch;

    private Vae vae;
    private Trainer trainer;
    private MnistIterator data;

    @Setup(Level.Trial)
    public void setUp() {
        BenchModels.checkBackend();
        SplittableRandom rnd = new SplittableRandom(3);
        byte[] pixels = new byte[images * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = rnd.nextInt(5) == 0 ? (byte) rnd.nextInt(256) : 0;
        }
        byte[] labels = new byte[images];
        MnistSplit split = new MnistSplit("train", pixels, labels, images, 28, 28);
        vae = Vae.create(BenchModels.config("mlp", batch));
        trainer = new Trainer(vae);
        data = new MnistIterator(split, batch, 1, true, false, 0);
        TrainingBenchmark.verifyLoss(vae, data.next().getFeatures());
        data.reset();
    }

    @Benchmark
    public double epoch() {
        return trainer.fit(data, 1).get(0).negElbo();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        trainer.close();
        vae.close();
    }
}
