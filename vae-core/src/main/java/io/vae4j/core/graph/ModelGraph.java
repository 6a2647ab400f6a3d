package io.vae4j.core.graph;

import io.vae4j.core.compat.Dl4jCompat;
import io.vae4j.core.config.VaeConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A model's state as the model, its trainer and its evaluators share it: the SameDiff graph of a configuration,
 * its parameters moved into one flat buffer (each graph variable a view of it), and the count of epochs trained.
 *
 * <p>The parameters are moved once, here, before anything is compiled against the graph, so that every compiled
 * step (training and inference) binds the parameters' final arrays, and an optimizer can update all of them as one
 * vector. At most one trainer works on a model at a time ({@link #attachTrainer}).
 *
 * <p>Holds native memory; not thread-safe.
 */
public final class ModelGraph implements AutoCloseable {
    private final VaeConfig config;
    private final DataType dataType;
    private final SameDiff sd;
    private final INDArray flat;
    /** Where each parameter lies in {@link #flat}, in order. */
    private final Map<String, Slot> slots;
    private int epochsDone;
    private boolean trained;
    private boolean closed;

    private ModelGraph(VaeConfig config, DataType dataType, SameDiff sd, int epochsDone) {
        this.config = config;
        this.dataType = dataType;
        this.sd = sd;
        this.epochsDone = epochsDone;
        Dl4jCompat.allowViewParameters(sd);
        List<SDVariable> params = new ArrayList<>();
        long total = 0;
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && v.dataType().isFPType()) {
                params.add(v);
                total += v.getArr().length();
            }
        }
        flat = Nd4j.create(dataType, total);
        Map<String, Slot> found = new LinkedHashMap<>();
        long offset = 0;
        for (SDVariable v : params) {
            found.put(v.name(), new Slot(offset, v.getArr().shape()));
            offset += v.getArr().length();
        }
        slots = Collections.unmodifiableMap(found);
        Map<String, INDArray> views = viewsOf(flat);
        for (SDVariable v : params) {
            INDArray old = v.getArr();
            INDArray view = views.get(v.name());
            view.assign(old);
            sd.setArrayForVariable(v.name(), view);
        }
    }

    /** A parameter's place in the flat buffer: where it starts, and its shape. */
    private record Slot(long offset, long[] shape) {
        long length() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** A new graph for a configuration, set up for training with {@link #adam}. */
    public static ModelGraph create(VaeConfig config, DataType dataType) {
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
        }
        SameDiff sd = VaeGraph.build(config, dataType);
        sd.setTrainingConfig(trainingConfig(config));
        return new ModelGraph(config, dataType, sd, 0);
    }

    /** A graph read from a model file, checked against its configuration by the caller. */
    public static ModelGraph of(VaeConfig config, SameDiff sd, DataType dataType, int epochsDone) {
        return new ModelGraph(config, dataType, sd, epochsDone);
    }

    /** SameDiff's training configuration for a model: {@link #adam}, its inputs, no labels. */
    public static TrainingConfig trainingConfig(VaeConfig config) {
        return TrainingConfig.builder()
                .updater(adam(config))
                .dataSetFeatureMapping(config.denoising() ? new String[] {VaeNames.X, VaeNames.X_CLEAN}
                        : new String[] {VaeNames.X})
                .markLabelsUnused()
                .build();
    }

    /**
     * Adam with PyTorch's defaults (beta1 0.9, beta2 0.999), and epsilon 1e-8 divided by the batch size. The
     * reference protocol minimises the loss summed over the batch; this model minimises its batch mean, which
     * scales every gradient by 1/batchSize. Adam's step is invariant to that scale except through epsilon, so
     * scaling epsilon the same way makes each step match the summed-loss reference, up to where ND4J's Adam puts
     * epsilon (before the bias correction of the second moment, which matters only early on). With epsilon 1e-8 on
     * the mean loss, weights with tiny gradients, such as those of MNIST's always-black border pixels, would take
     * smaller steps than the reference's.
     */
    public static Adam adam(VaeConfig config) {
        return new Adam(config.learningRate(), Adam.DEFAULT_ADAM_BETA1_MEAN_DECAY, Adam.DEFAULT_ADAM_BETA2_VAR_DECAY,
                Adam.DEFAULT_ADAM_EPSILON / config.batchSize());
    }

    public VaeConfig config() {
        return config;
    }

    public DataType dataType() {
        return dataType;
    }

    /** The graph; see {@link VaeNames}. */
    public SameDiff sd() {
        return sd;
    }

    /** All parameters as one vector, in the graph's order of its variables. */
    public INDArray parameters() {
        return flat;
    }

    /**
     * Views of {@code buffer} (a vector as long as {@link #parameters()}) shaped like each parameter, at the same
     * offsets: for gradients and optimizer moments that an update treats as one vector.
     */
    public Map<String, INDArray> viewsOf(INDArray buffer) {
        if (buffer.length() != flat.length() || buffer.isView()) {
            throw new IllegalArgumentException("need a vector of " + flat.length() + " values, got "
                    + java.util.Arrays.toString(buffer.shape()));
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Slot> e : slots.entrySet()) {
            long offset = e.getValue().offset();
            long len = e.getValue().length();
            INDArray view = buffer.get(NDArrayIndex.interval(offset, offset + len)).reshape('c', e.getValue().shape());
            if (!view.isView() && buffer.length() != len) {
                throw new IllegalStateException("a parameter slice of the flat buffer is not a view");
            }
            out.put(e.getKey(), view);
        }
        return out;
    }

    /** Epochs trained so far, over all runs of this model. */
    public int epochsDone() {
        return epochsDone;
    }

    /** Counts one more trained epoch. */
    public void epochDone() {
        epochsDone++;
    }

    /**
     * Marks the model as being trained; a second trainer on the same model is refused, since two would update the
     * same parameters with different optimizer state.
     *
     * @throws IllegalStateException if a trainer is attached already
     */
    public void attachTrainer() {
        open();
        if (trained) {
            throw new IllegalStateException("this model already has a trainer; close it before making another");
        }
        trained = true;
    }

    /** Releases the mark of {@link #attachTrainer}. */
    public void detachTrainer() {
        trained = false;
    }

    /** SameDiff's optimizer state (per variable), made if SameDiff has none yet for every parameter. */
    public Map<String, GradientUpdater> optimizerState(boolean create) {
        Map<String, GradientUpdater> state = Dl4jCompat.updaterState(sd);
        if (create && (state == null || !state.keySet().containsAll(slots.keySet()))) {
            Dl4jCompat.initializeTraining(sd);
            state = Dl4jCompat.updaterState(sd);
        }
        return state;
    }

    /** Fails if the model has been closed. */
    public void open() {
        if (closed) {
            throw new IllegalStateException("this model has been closed");
        }
    }

    public boolean closed() {
        return closed;
    }

    /** Releases the parameters, constants and SameDiff's optimizer state. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Map<String, GradientUpdater> updaters = Dl4jCompat.updaterState(sd);
        if (updaters != null) {
            for (GradientUpdater u : updaters.values()) {
                for (Object a : u.getState().values()) {
                    if (a instanceof INDArray arr && arr.closeable()) {
                        arr.close();
                    }
                }
            }
        }
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.CONSTANT) {
                INDArray arr = v.getArr();
                if (arr != null && arr.closeable()) {
                    arr.close();
                }
            }
        }
        if (!flat.wasClosed()) {
            flat.close();
        }
    }
}
