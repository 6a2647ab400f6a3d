package io.vae4j.core.train;

import io.vae4j.core.exec.CompiledGraph;
import io.vae4j.core.graph.Inputs;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

/** Where the time of one training step goes, step by step of the compiled graph, for benchmarks and diagnosis. */
public final class StepProfiler {
    private StepProfiler() {
    }

    /**
     * Runs {@code steps} training steps on one batch (after as many untimed ones) and returns the mean wall time per
     * step of each op, of the Adam update and of reading the loss back, in microseconds, largest first. Trains the
     * model on that batch while doing so: not for a model that matters.
     */
    public static Map<String, Double> profile(Trainer trainer, INDArray batch, int steps) {
        trainer.open();
        var model = trainer.model();
        INDArray x = Inputs.flat(batch, model.config(), model.dataType(), "profiled batch");
        TrainingSteps.Step c = trainer.steps.forBatch((int) x.size(0));
        c.input().assign(x);
        if (c.clean() != null) {
            c.clean().assign(x); // profiled without corruption: the same ops, the same time
        }
        Adam rule = io.vae4j.core.graph.ModelGraph.adam(model.config());
        long[] nanos = new long[c.graph().size()];
        long adamNanos = 0;
        long lossNanos = 0;
        trainer.adam.load();
        try {
            for (int s = 0; s < 2 * steps; s++) {
                boolean timed = s >= steps;
                if (s == steps) {
                    Arrays.fill(nanos, 0);
                }
                c.graph().runTimed(nanos);
                long t0 = System.nanoTime();
                trainer.adam.update(rule, model.epochsDone());
                long t1 = System.nanoTime();
                double loss = Inputs.sum(c.recon()) + (c.kl() == null ? 0 : Inputs.sum(c.kl()));
                long t2 = System.nanoTime();
                if (timed) {
                    adamNanos += t1 - t0;
                    lossNanos += t2 - t1;
                }
                if (!Double.isFinite(loss)) {
                    throw new TrainingDivergedException("the profiled training diverged at step " + s);
                }
            }
        } finally {
            trainer.adam.store();
        }
        Map<String, Double> out = new HashMap<>(c.graph().microsPerRun(nanos, steps));
        out.put("adam update (flat)", adamNanos / 1e3 / steps);
        out.put("loss read-back", lossNanos / 1e3 / steps);
        return CompiledGraph.largestFirst(out);
    }
}
