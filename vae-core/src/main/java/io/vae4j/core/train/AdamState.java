package io.vae4j.core.train;

import io.vae4j.core.graph.ModelGraph;
import java.util.Map;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Adam over all parameters at once: the gradients and both moments are flat buffers laid out like the model's
 * parameters ({@link ModelGraph#viewsOf}), so one update covers every parameter. The moments start from SameDiff's
 * own optimizer state (saved with the model) and are written back to it by {@link #store}, so saved models keep
 * SameDiff's format.
 *
 * <p>The update is {@link HeapAdam} where it runs, else ND4J's {@code adam_updater} and a subtraction: both the
 * arithmetic SameDiff applies per variable.
 */
final class AdamState implements AutoCloseable {
    private final ModelGraph model;
    final INDArray grads;
    private final INDArray m;
    private final INDArray v;
    /** The gradient views, by parameter name: where the compiled step writes each parameter's gradient. */
    final Map<String, INDArray> gradViews;
    private final Map<String, INDArray> mViews;
    private final Map<String, INDArray> vViews;
    private HeapAdam heap;

    AdamState(ModelGraph model) {
        this.model = model;
        INDArray params = model.parameters();
        grads = Nd4j.create(params.dataType(), params.length());
        m = Nd4j.create(params.dataType(), params.length());
        v = Nd4j.create(params.dataType(), params.length());
        gradViews = model.viewsOf(grads);
        mViews = model.viewsOf(m);
        vViews = model.viewsOf(v);
        Map<String, GradientUpdater> saved = model.optimizerState(false);
        if (saved != null) {
            for (Map.Entry<String, INDArray> e : mViews.entrySet()) {
                GradientUpdater u = saved.get(e.getKey());
                if (u != null) {
                    e.getValue().assign((INDArray) u.getState().get("M"));
                    vViews.get(e.getKey()).assign((INDArray) u.getState().get("V"));
                }
            }
        }
    }

    /**
     * Starts a run of steps: loads the heap copies where {@link HeapAdam} runs. Pair with {@link #store}.
     */
    void load() {
        if (heap == null && HeapAdam.supports(model.parameters())) {
            heap = HeapAdam.of(model.parameters(), grads, m, v);
        }
        if (heap != null) {
            heap.load();
        }
    }

    /**
     * One Adam step with the gradients the compiled step left in {@link #grads}. The step count (Adam's bias
     * correction) is the training configuration's, which the saved model keeps.
     *
     * @return the step count used
     */
    int update(Adam adam, int epoch) {
        TrainingConfig tc = model.sd().getTrainingConfig();
        int iteration = tc.getIterationCount();
        double lr = adam.getLearningRate(iteration, epoch);
        if (heap != null) {
            heap.step(lr, adam.getBeta1(), adam.getBeta2(), adam.getEpsilon(), iteration);
        } else {
            Nd4j.exec(new AdamUpdater(grads, v, m, lr, adam.getBeta1(), adam.getBeta2(), adam.getEpsilon(),
                    iteration));
            model.parameters().subi(grads);
        }
        tc.incrementIterationCount();
        return iteration;
    }

    /** Ends a run of steps: the moments back into the native buffers and into SameDiff's optimizer state. */
    void store() {
        if (heap != null) {
            heap.store();
        }
        if (model.closed() || model.sd().getTrainingConfig() == null) {
            return; // a graph that was never set up for training has no optimizer state to keep
        }
        Map<String, GradientUpdater> updaters = model.optimizerState(true);
        for (Map.Entry<String, INDArray> e : mViews.entrySet()) {
            Map<?, ?> state = updaters.get(e.getKey()).getState();
            ((INDArray) state.get("M")).assign(e.getValue());
            ((INDArray) state.get("V")).assign(vViews.get(e.getKey()));
        }
    }

    @Override
    public void close() {
        for (INDArray a : new INDArray[] {grads, m, v}) {
            if (!a.wasClosed()) {
                a.close();
            }
        }
    }
}
