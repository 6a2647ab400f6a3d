package io.vae4j.core.train;

import io.vae4j.core.backend.TensorflowOpList;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.exec.CompiledGraph;
import io.vae4j.core.model.Inputs;
import io.vae4j.core.model.VaeNames;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a VAE graph: owns the epoch count, the per-epoch noise seed, Adam's moments and step count, and the
 * compiled training steps.
 *
 * <p>The model stays defined once, as its SameDiff graph, and the gradient is SameDiff's own gradient function.
 * For training, that function is compiled ({@link CompiledGraph}) once per batch size that occurs (usually the full
 * batch and the last, partial one): only the ops the loss terms and the parameter gradients need, each executed
 * directly with its arrays bound. The parameters are re-pointed to views of one flat buffer and the gradients are
 * written into views of another, so Adam is one update over all parameters ({@link HeapAdam}, a JIT-vectorised
 * loop on heap copies, on the CPU backend; ND4J's {@code adam_updater} elsewhere). Each step computes exactly
 * what {@code SameDiff.fit} computes (same ops, same in-graph noise draws, same Adam arithmetic), which a test
 * checks step by step.
 *
 * <p>Adam's state lives in flat buffers while training and is copied into the graph's own updater state by
 * {@link #writeOptimizerState()} before the graph is saved, so saved models keep SameDiff's format.
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final SameDiff sd;
    private final VaeConfig config;
    private final DataType dataType;
    private int epochsDone;
    private final Buffers buffers;
    private final Map<Integer, Compiled> steps = new HashMap<>();
    private HeapAdam heapAdam;

    /**
     * @param sd         the model graph (see {@link VaeNames}); its parameters become views of this trainer's
     *                   flat buffer here, so make the trainer before compiling anything against the graph
     * @param config     the model's configuration
     * @param dataType   the graph's floating-point type
     * @param epochsDone epochs trained so far
     */
    public Trainer(SameDiff sd, VaeConfig config, DataType dataType, int epochsDone) {
        this.sd = sd;
        this.config = config;
        this.dataType = dataType;
        this.epochsDone = epochsDone;
        this.buffers = createBuffers();
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

    /** Epochs trained so far, over all runs of this model. */
    public int epochsDone() {
        return epochsDone;
    }

    /**
     * Trains for {@code epochs} more epochs over {@code data}, which is reset before each epoch.
     *
     * <p>Each epoch is deterministic given the configuration's seed and the epoch index: the noise generator is
     * re-seeded at the start of every epoch ({@link #epochSeed}), so a model saved after epoch n and trained on from
     * there continues exactly as the uninterrupted run (given an iterator that yields the same batches for the same
     * epoch). The KL weight of each epoch follows {@link VaeConfig#betaAt}.
     *
     * @throws TrainingDivergedException if the loss becomes NaN or infinite
     */
    public List<EpochSummary> fit(DataSetIterator data, int epochs, TrainingListener... listeners) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (epochs > 1 && !data.resetSupported()) {
            throw new IllegalArgumentException("training for " + epochs + " epochs needs an iterator that supports "
                    + "reset(); this one does not");
        }
        Buffers b = buffers;
        INDArray betaArr = sd.getVariable(VaeNames.BETA).getArr();
        Adam adam = adam(config);
        // a pre-processor works on DataSets: with one, take the DataSet path
        DirectFeatures direct = data instanceof DirectFeatures d && data.getPreProcessor() == null ? d : null;
        float[] staging = direct == null ? null
                : new float[Math.multiplyExact(config.batchSize(), config.featureSize())];
        List<EpochSummary> summaries = new ArrayList<>(epochs);
        HeapAdam heap = loadHeapAdam();
        try {
            fitEpochs(data, epochs, listeners, b, betaArr, adam, direct, staging, heap, summaries);
        } finally {
            if (heap != null) {
                heap.store();
            }
        }
        return summaries;
    }

    private void fitEpochs(DataSetIterator data, int epochs, TrainingListener[] listeners, Buffers b,
                           INDArray betaArr, Adam adam, DirectFeatures direct, float[] staging, HeapAdam heap,
                           List<EpochSummary> summaries) {
        for (int e = 0; e < epochs; e++) {
            int epoch = epochsDone;
            double beta = config.betaAt(epoch);
            betaArr.assign(beta);
            Nd4j.getRandom().setSeed(epochSeed(config.seed(), epoch));
            if (data.resetSupported()) {
                data.reset();
            }
            for (TrainingListener l : listeners) {
                l.onEpochStart(epoch, beta);
            }
            double reconTotal = 0;
            double klTotal = 0;
            long examples = 0;
            long start = System.nanoTime();
            if (!data.hasNext()) {
                throw new IllegalArgumentException("the training data set is empty");
            }
            long index = 0;
            while (data.hasNext()) {
                Compiled step = direct == null ? nextBatch(data.next(), index++, epoch, b)
                        : nextBatch(direct, staging, index++, epoch, b);
                int n = (int) step.input.size(0);
                step.step.run();
                int iteration = update(adam, epoch, heap);
                double recon = Inputs.sum(step.recon);
                double kl = step.kl == null ? 0 : Inputs.sum(step.kl);
                double value = (recon + beta * kl) / n;
                if (!Double.isFinite(value)) {
                    throw new TrainingDivergedException("training diverged in epoch " + epoch + " at iteration "
                            + iteration + ": the loss is " + value + "; lower the learning rate or check the "
                            + "inputs");
                }
                reconTotal += recon;
                klTotal += kl;
                examples += n;
                for (TrainingListener l : listeners) {
                    l.onBatch(epoch, iteration, n, value);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            epochsDone++;
            EpochSummary summary = new EpochSummary(epoch, beta, reconTotal / examples, klTotal / examples,
                    examples, seconds);
            LOG.debug("epoch {} done: {}", epoch, summary);
            for (TrainingListener l : listeners) {
                l.onEpochEnd(summary);
            }
            summaries.add(summary);
        }
    }

    /**
     * Where the time of one training step goes: runs {@code steps} steps on one batch (after as many untimed
     * ones) and returns the mean wall time per step of each op, of the Adam update and of reading the loss back,
     * in microseconds, largest first. Trains the model on that batch while doing so: for benchmarks and
     * diagnosis, not for a model that matters.
     */
    public Map<String, Double> profile(INDArray batch, int steps) {
        INDArray x = Inputs.flat(batch, config, dataType, "profiled batch");
        Buffers b = buffers;
        Compiled c = step((int) x.size(0), b);
        c.input.assign(x);
        if (c.clean != null) {
            c.clean.assign(x); // profiled without corruption: the same ops, the same time
        }
        Adam adam = adam(config);
        long[] nanos = new long[c.step.size()];
        long adamNanos = 0;
        long lossNanos = 0;
        HeapAdam heap = loadHeapAdam();
        try {
            for (int s = 0; s < 2 * steps; s++) {
                boolean timed = s >= steps;
                if (s == steps) {
                    java.util.Arrays.fill(nanos, 0);
                }
                c.step.runTimed(nanos);
                long t0 = System.nanoTime();
                update(adam, epochsDone, heap);
                long t1 = System.nanoTime();
                double loss = Inputs.sum(c.recon) + (c.kl == null ? 0 : Inputs.sum(c.kl));
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
            if (heap != null) {
                heap.store();
            }
        }
        Map<String, Double> out = new HashMap<>();
        for (int i = 0; i < nanos.length; i++) {
            out.merge(c.step.label(i), nanos[i] / 1e3 / steps, Double::sum);
        }
        out.put("adam update (flat)", adamNanos / 1e3 / steps);
        out.put("loss read-back", lossNanos / 1e3 / steps);
        Map<String, Double> sorted = new LinkedHashMap<>();
        out.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /**
     * One Adam step over the flat buffers with the gradients the compiled step left in them: the same
     * {@code adam_updater} arithmetic SameDiff applies per variable, on all parameters at once, then the update.
     * The step count (Adam's bias correction) is the training configuration's, which the saved model keeps.
     *
     * @return the step count used
     */
    private int update(Adam adam, int epoch, HeapAdam heap) {
        TrainingConfig tc = sd.getTrainingConfig();
        int iteration = tc.getIterationCount();
        double lr = adam.getLearningRate(iteration, epoch);
        if (heap != null) {
            heap.step(lr, adam.getBeta1(), adam.getBeta2(), adam.getEpsilon(), iteration);
        } else {
            Nd4j.exec(new AdamUpdater(buffers.grads, buffers.v, buffers.m, lr, adam.getBeta1(), adam.getBeta2(),
                    adam.getEpsilon(), iteration));
            buffers.params.subi(buffers.grads);
        }
        tc.incrementIterationCount();
        return iteration;
    }

    /**
     * Adam on heap copies of the parameters and moments (the fast path on the CPU backend), loaded from the flat
     * buffers; null where it does not apply, and ND4J's own {@code adam_updater} runs instead. Whoever calls this
     * must {@link HeapAdam#store()} the moments when the run ends.
     */
    private HeapAdam loadHeapAdam() {
        if (heapAdam == null && HeapAdam.supports(buffers.params)) {
            heapAdam = HeapAdam.of(buffers.params, buffers.grads, buffers.m, buffers.v);
        }
        if (heapAdam != null) {
            heapAdam.load();
        }
        return heapAdam;
    }

    /**
     * A batch's features, checked, copied into the input of the step compiled for its size. Read on the training
     * thread: a prefetching thread of its own runs ND4J ops concurrently with the step's, and with as many OpenMP
     * threads as cores each parallel op then waits for a core (measured on 2 cores: 14 ms per step with a prefetch
     * thread, 11 without).
     */
    private Compiled nextBatch(DataSet ds, long index, int epoch, Buffers b) {
        INDArray x = Inputs.flat(ds.getFeatures(), config, dataType, "training batch " + index);
        int n = checkedSize(x.size(0), index);
        if (config.denoising()) {
            return denoisingBatch(x.castTo(DataType.FLOAT).dup('c').reshape(-1).toFloatVector(), n, index, epoch, b);
        }
        Compiled step = step(n, b);
        step.input.assign(x);
        return step;
    }

    /** The same from an iterator that writes its features into {@code staging}: no per-batch arrays. */
    private Compiled nextBatch(DirectFeatures data, float[] staging, long index, int epoch, Buffers b) {
        int n = checkedSize(data.nextFeatures(staging), index);
        if (config.denoising()) {
            return denoisingBatch(staging, n, index, epoch, b);
        }
        Compiled step = step(n, b);
        Inputs.copyChecked(staging, n * config.featureSize(), step.input, "training batch " + index);
        return step;
    }

    /**
     * A denoising model's batch: the clean images into the likelihood's input, then a corrupted copy (drawn from
     * {@link #corruptionSeed}) into the encoder's, both by way of float. Overwrites {@code clean} with the
     * corrupted images.
     */
    private Compiled denoisingBatch(float[] clean, int n, long index, int epoch, Buffers b) {
        Compiled step = step(n, b);
        int length = n * config.inputSize();
        String what = "training batch " + index;
        Inputs.copyChecked(clean, length, step.clean, what);
        config.corruption().apply(clean, length, new java.util.SplittableRandom(corruptionSeed(config.seed(), epoch,
                index)));
        Inputs.copyChecked(clean, length, step.input, what);
        return step;
    }

    /**
     * Seed of the corruption of one training batch of a denoising model: a fixed mix of the model seed, the epoch
     * and the batch's index in it, so a resumed run corrupts exactly as the uninterrupted one.
     */
    public static long corruptionSeed(long seed, int epoch, long batch) {
        return epochSeed(seed ^ 0x6A09E667F3BCC909L, epoch) * 0x9E3779B97F4A7C15L + batch;
    }

    private int checkedSize(long n, long index) {
        if (n > config.batchSize()) {
            throw new IllegalArgumentException("training batch " + index + " has " + n
                    + " examples but the model's batchSize is " + config.batchSize()
                    + "; give the iterator a batch size <= " + config.batchSize()
                    + " or build the model with a larger batchSize");
        }
        if (n < 1) {
            throw new IllegalArgumentException("training batch " + index + " is empty");
        }
        return (int) n;
    }

    /**
     * Does the one-time work of training ahead of the first epoch: builds SameDiff's gradient function, moves the
     * parameters into the flat buffers and compiles the step for full batches (a last, partial batch is compiled
     * when it first occurs). Optional: {@link #fit} does it when needed. Calling it first keeps this start-up cost
     * (about a second for the reference model) out of the first epoch's time, as a caller that reports it separately
     * may want.
     *
     * @return the seconds it took
     */
    public double prepare() {
        long t = System.nanoTime();
        step(config.batchSize(), buffers);
        return (System.nanoTime() - t) / 1e9;
    }

    /** Seed of the in-graph noise for one epoch: a fixed mix of the model seed and the epoch index. */
    public static long epochSeed(long seed, int epoch) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }

    /**
     * Copies Adam's moments into the graph's own updater state, which {@code SameDiff.save(..., true)} writes.
     * Call before saving.
     */
    public void writeOptimizerState() {
        if (sd.getTrainingConfig() == null) {
            return; // a graph that was never set up for training has no optimizer state to keep
        }
        Map<String, GradientUpdater> updaters = updaterMap(sd);
        if (updaters == null || !updaters.keySet().containsAll(buffers.views.keySet())) {
            invoke(sd, "initializeTraining");
            updaters = updaterMap(sd);
        }
        for (Map.Entry<String, View> e : buffers.views.entrySet()) {
            Map<?, ?> state = updaters.get(e.getKey()).getState();
            ((INDArray) state.get("M")).assign(e.getValue().m);
            ((INDArray) state.get("V")).assign(e.getValue().v);
        }
    }

    /**
     * Releases the compiled steps, the flat buffers and SameDiff's copy of the optimizer state. The graph's
     * parameters are views of the buffers: close last.
     */
    @Override
    public void close() {
        for (Compiled c : steps.values()) {
            c.step.close();
            c.input.close();
            if (c.clean != null) {
                c.clean.close();
            }
        }
        steps.clear();
        for (INDArray a : new INDArray[] {buffers.params, buffers.grads, buffers.m, buffers.v}) {
            if (!a.wasClosed()) {
                a.close();
            }
        }
        // SameDiff's own copy of the optimizer state (loaded with the model, or made for a save)
        Map<String, GradientUpdater> updaters = updaterMap(sd);
        if (updaters != null) {
            for (GradientUpdater u : updaters.values()) {
                for (Object a : u.getState().values()) {
                    if (a instanceof INDArray arr && arr.closeable()) {
                        arr.close();
                    }
                }
            }
        }
    }

    /** A compiled step with its input buffer and the loss terms it computes. */
    private record Compiled(CompiledGraph step, INDArray input, INDArray clean, INDArray recon, INDArray kl) {
    }

    private Compiled step(int n, Buffers b) {
        Compiled c = steps.get(n);
        if (c != null) {
            return c;
        }
        INDArray input = Nd4j.create(dataType, n, config.featureSize());
        Map<String, INDArray> leaves = new HashMap<>();
        leaves.put(VaeNames.X, input);
        INDArray clean = config.denoising() ? Nd4j.create(dataType, n, config.inputSize()) : null;
        if (clean != null) {
            leaves.put(VaeNames.X_CLEAN, clean);
        }
        leaves.put(VaeNames.BETA, sd.getVariable(VaeNames.BETA).getArr());
        SameDiff grad = gradientFunction();
        Map<String, INDArray> bound = new HashMap<>();
        for (Map.Entry<String, View> e : b.views.entrySet()) {
            leaves.put(e.getKey(), e.getValue().param);
            SDVariable g = grad.getVariable(e.getKey()).getGradient();
            if (g != null) { // a parameter the loss does not depend on keeps a zero gradient
                bound.put(g.name(), e.getValue().grad);
            }
        }
        Set<String> wanted = new HashSet<>();
        wanted.add(VaeNames.RECON_TRAIN);
        if (config.variational()) {
            wanted.add(VaeNames.KL);
        }
        Map<String, CompiledGraph.Fused> fused = new HashMap<>();
        List<CompiledGraph.Fused> kernels = new java.util.ArrayList<>();
        if (config.likelihood() == io.vae4j.core.config.Likelihood.BERNOULLI) {
            kernels.addAll(BernoulliKernels.of(sd, grad, likelihoodTarget()));
        }
        if (config.variational()) {
            kernels.addAll(LatentKernels.of(sd, grad));
        }
        for (CompiledGraph.Fused f : kernels) {
            fused.put(f.output(), f);
        }
        CompiledGraph step = CompiledGraph.compile(grad, leaves, bound, wanted, fused);
        LOG.debug("compiled the training step for batches of {}: {} ops", n, step.size());
        c = new Compiled(step, input, clean, step.value(VaeNames.RECON_TRAIN),
                config.variational() ? step.value(VaeNames.KL) : null);
        steps.put(n, c);
        return c;
    }

    /** The graph value the training branch's likelihood scores: the clean images, the pixels, or the input. */
    private String likelihoodTarget() {
        return config.denoising() ? VaeNames.X_CLEAN : config.conditional() ? VaeNames.PIXELS : VaeNames.X;
    }

    /** One parameter's views into the flat buffers. */
    private record View(INDArray param, INDArray grad, INDArray m, INDArray v) {
    }

    /** Parameters, gradients and Adam's moments, each one flat buffer; every parameter a view into each. */
    private record Buffers(INDArray params, INDArray grads, INDArray m, INDArray v, Map<String, View> views) {
    }

    /**
     * Moves the parameters into one flat buffer (each graph variable re-pointed to its view) and Adam's moments,
     * saved with the model or zero, into two more. Done once, when the trainer is made, so that everything compiled
     * later against the graph (training steps, inference) binds the parameters' final arrays.
     */
    private Buffers createBuffers() {
        // The default holder copies views ("device local doesn't support views"); the gradient function already
        // uses this simple one.
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), true);
        List<SDVariable> params = new ArrayList<>();
        long total = 0;
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && v.dataType().isFPType()) {
                params.add(v);
                total += v.getArr().length();
            }
        }
        INDArray p = Nd4j.create(dataType, total);
        INDArray g = Nd4j.create(dataType, total);
        INDArray m = Nd4j.create(dataType, total);
        INDArray vv = Nd4j.create(dataType, total);
        Map<String, GradientUpdater> saved = updaterMap(sd);
        Map<String, View> views = new LinkedHashMap<>();
        long offset = 0;
        for (SDVariable v : params) {
            INDArray old = v.getArr();
            long[] shape = old.shape();
            long len = old.length();
            View view = new View(slice(p, offset, len, shape), slice(g, offset, len, shape),
                    slice(m, offset, len, shape), slice(vv, offset, len, shape));
            view.param.assign(old);
            GradientUpdater u = saved == null ? null : saved.get(v.name());
            if (u != null) {
                view.m.assign((INDArray) u.getState().get("M"));
                view.v.assign((INDArray) u.getState().get("V"));
            }
            sd.setArrayForVariable(v.name(), view.param);
            views.put(v.name(), view);
            offset += len;
        }
        return new Buffers(p, g, m, vv, views);
    }

    /** SameDiff's gradient function, built on first use, its parameters the flat buffer's views. */
    private SameDiff gradientFunction() {
        ensureGradientFunction();
        SameDiff grad = sd.getFunction("grad");
        for (Map.Entry<String, View> e : buffers.views.entrySet()) {
            if (grad.getArrForVarName(e.getKey()) != e.getValue().param) {
                grad.setArrayForVariable(e.getKey(), e.getValue().param);
            }
        }
        return grad;
    }

    private static INDArray slice(INDArray flat, long offset, long len, long[] shape) {
        INDArray view = flat.get(NDArrayIndex.interval(offset, offset + len)).reshape('c', shape);
        if (!view.isView() && flat.length() != len) {
            throw new IllegalStateException("a parameter slice of the flat buffer is not a view");
        }
        return view;
    }

    /**
     * Builds the backward graph once. SameDiff prints a line per differentiated op to System.out while doing so
     * (M2.1); an application's stdout should carry its results, so stdout is muted for this one call.
     */
    private void ensureGradientFunction() {
        if (sd.getFunction("grad") == null) {
            TensorflowOpList.skip();
            withStdoutMuted(sd::createGradFunction);
        }
    }

    /** Runs {@code r} with System.out muted: SameDiff prints a line per op it differentiates (M2.1). */
    static void withStdoutMuted(Runnable r) {
        synchronized (System.class) {
            java.io.PrintStream stdout = System.out;
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            try {
                r.run();
            } finally {
                System.setOut(stdout);
            }
        }
    }

    /**
     * SameDiff keeps its optimizer state in a private field that {@code save(..., true)} writes and
     * {@code load(..., true)} restores (M2.1 has no accessor); reading it keeps the saved format unchanged.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, GradientUpdater> updaterMap(SameDiff sd) {
        try {
            Field f = SameDiff.class.getDeclaredField("updaterMap");
            f.setAccessible(true);
            return (Map<String, GradientUpdater>) f.get(sd);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this ND4J version keeps SameDiff's optimizer state elsewhere", e);
        }
    }

    private static void invoke(SameDiff sd, String method) {
        try {
            Method m = SameDiff.class.getDeclaredMethod(method);
            m.setAccessible(true);
            m.invoke(sd);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not call SameDiff." + method, e);
        }
    }
}
