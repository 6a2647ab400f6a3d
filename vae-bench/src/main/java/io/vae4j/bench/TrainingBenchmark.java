package io.vae4j.bench;

import io.vae4j.core.graph.LossTerms;
import io.vae4j.core.model.Vae;
import io.vae4j.core.train.Trainer;
import io.vae4j.core.graph.VaeNames;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
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
 * Training throughput: one invocation is {@link Trainer#fit} over about 4,096 samples in batches of {@code batch}
 * (prefetching, forward, backward and Adam update, the loss read back each step). The runner turns
 * invocations/s into samples/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TrainingBenchmark {
    @Param({"mlp", "conv"})
    public String model;

    @Param({"32", "128", "512", "2048"})
    public int batch;

    private Vae vae;
    private Trainer trainer;
    private List<DataSet> batches;

    @Setup(Level.Trial)
    public void setUp() {
        BenchModels.checkBackend();
        vae = Vae.create(BenchModels.config(model, batch));
        trainer = new Trainer(vae);
        batches = BenchModels.batches(batch, 11);
        verifyLoss(vae, batches.get(0).getFeatures());
    }

    /**
     * Before anything is timed: the training loss of the benchmarked graph on a batch is finite and equals the
     * core's own computation of reconstruction + KL on the same batch and the same noise.
     */
    static void verifyLoss(Vae vae, INDArray x) {
        Map<String, INDArray> out = vae.graph().output(Map.of(VaeNames.X, x), VaeNames.LOSS, "eps_train");
        double loss = out.get(VaeNames.LOSS).getDouble(0);
        LossTerms terms = vae.lossTerms(x, out.get("eps_train"));
        double core = terms.negElbo().meanNumber().doubleValue();
        if (!Double.isFinite(loss) || Math.abs(loss - core) > 1e-4 * Math.abs(core)) {
            throw new IllegalStateException("benchmark loss " + loss + " differs from the core's " + core);
        }
    }

    @Benchmark
    public int trainSteps() {
        return trainer.fit(new ListDataSetIterator<>(batches, 1), 1).size();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        trainer.close();
        vae.close();
    }
}
