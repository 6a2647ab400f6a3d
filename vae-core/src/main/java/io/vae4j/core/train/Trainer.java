package io.vae4j.core.train;

import io.vae4j.core.config.Objective;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.graph.Inputs;
import io.vae4j.core.graph.ModelGraph;
import io.vae4j.core.graph.VaeNames;
import io.vae4j.core.model.Vae;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link Vae}: runs the epochs, feeds the batches, and applies Adam after each compiled step.
 *
 * <p>The model stays defined once, as its SameDiff graph, and the gradient is SameDiff's own gradient function,
 * compiled once per batch size ({@link TrainingSteps}). Adam updates all parameters as one flat vector
 * ({@link AdamState}). Each step computes exactly what {@code SameDiff.fit} computes (same ops, same in-graph noise
 * draws, same Adam arithmetic), which {@code CompiledTrainingStepTest} checks step by step.
 *
 * <p>One trainer per model at a time; the model keeps its epoch count and, after every {@link #fit}, Adam's state,
 * so that {@link Vae#save} writes a model that trains on exactly where it stopped. Holds native memory: close it.
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final ModelGraph model;
    private final VaeConfig config;
    private final DataType dataType;
    final AdamState adam;
    final TrainingSteps steps;
    private boolean closed;

    /**
     * A trainer for this model.
     *
     * @throws IllegalStateException if the model is closed or already has a trainer
     */
    public Trainer(Vae vae) {
        this.model = vae.modelGraph();
        model.attachTrainer();
        this.config = model.config();
        this.dataType = model.dataType();
        try {
            this.adam = new AdamState(model);
        } catch (RuntimeException e) {
            model.detachTrainer();
            throw e;
        }
        this.steps = new TrainingSteps(model, adam.gradViews);
    }

    /**
     * Trains for {@code epochs} more epochs over {@code data}, which is reset before each epoch.
     *
     * <p>Each epoch is deterministic given the configuration's seed and the epoch index: the noise generator is
     * re-seeded at the start of every epoch ({@link Seeds#epochSeed}), so a model saved after epoch n and trained on
     * from there continues exactly as the uninterrupted run (given an iterator that yields the same batches for the
     * same epoch). The KL weight of each epoch follows {@link VaeConfig#betaAt}.
     *
     * @param data      batches of inputs, [n, featureSize] or [n, c, h, w], n &lt;= batchSize; labels are ignored
     * @param listeners progress callbacks
     * @return one summary per epoch
     * @throws TrainingDivergedException if the loss becomes NaN or infinite
     */
    public List<EpochSummary> fit(DataSetIterator data, int epochs, TrainingListener... listeners) {
        open();
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (epochs > 1 && !data.resetSupported()) {
            throw new IllegalArgumentException("training for " + epochs + " epochs needs an iterator that supports "
                    + "reset(); this one does not");
        }
        INDArray betaArr = model.sd().getVariable(VaeNames.BETA).getArr();
        Adam rule = ModelGraph.adam(config);
        // a pre-processor works on DataSets: with one, take the DataSet path
        DirectFeatures direct = data instanceof DirectFeatures d && data.getPreProcessor() == null ? d : null;
        float[] staging = direct == null ? null
                : new float[Math.multiplyExact(config.batchSize(), config.featureSize())];
        List<EpochSummary> summaries = new ArrayList<>(epochs);
        adam.load();
        try {
            for (int e = 0; e < epochs; e++) {
                summaries.add(epoch(data, listeners, betaArr, rule, direct, staging));
            }
        } finally {
            adam.store();
        }
        return summaries;
    }

    private EpochSummary epoch(DataSetIterator data, TrainingListener[] listeners, INDArray betaArr, Adam rule,
            DirectFeatures direct, float[] staging) {
        int epoch = model.epochsDone();
        double beta = config.betaAt(epoch);
        betaArr.assign(beta);
        Nd4j.getRandom().setSeed(Seeds.epochSeed(config.seed(), epoch));
        if (data.resetSupported()) {
            data.reset();
        }
        for (TrainingListener l : listeners) {
            l.onEpochStart(epoch, beta);
        }
        double reconTotal = 0;
        double klTotal = 0;
        double boundTotal = 0;
        long examples = 0;
        long start = System.nanoTime();
        if (!data.hasNext()) {
            throw new IllegalArgumentException("the training data set is empty");
        }
        long index = 0;
        while (data.hasNext()) {
            TrainingSteps.Step step = direct == null ? nextBatch(data.next(), index++, epoch)
                    : nextBatch(direct, staging, index++, epoch);
            int n = (int) step.input().size(0);
            step.graph().run();
            int iteration = adam.update(rule, epoch);
            double recon = Inputs.sum(step.recon());
            double kl = step.kl() == null ? 0 : Inputs.sum(step.kl());
            double negBound = step.negBound() == null ? recon + kl : Inputs.sum(step.negBound());
            // what Adam minimised: the importance-weighted bound, or reconstruction + beta * KL
            double value = (config.objective() == Objective.IWAE ? negBound : recon + beta * kl) / n;
            if (!Double.isFinite(value)) {
                throw new TrainingDivergedException("training diverged in epoch " + epoch + " at iteration "
                        + iteration + ": the loss is " + value + "; lower the learning rate or check the inputs");
            }
            reconTotal += recon;
            klTotal += kl;
            boundTotal += negBound;
            examples += n;
            for (TrainingListener l : listeners) {
                l.onBatch(epoch, iteration, n, value);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        model.epochDone();
        EpochSummary summary = new EpochSummary(epoch, beta, reconTotal / examples, klTotal / examples, examples,
                seconds, boundTotal / examples);
        LOG.debug("epoch {} done: {}", epoch, summary);
        for (TrainingListener l : listeners) {
            l.onEpochEnd(summary);
        }
        return summary;
    }

    /**
     * A batch's features, checked, copied into the input of the step compiled for its size. Read on the training
     * thread: a prefetching thread would run ND4J ops concurrently with the step's, whose parallel loops already use
     * every core.
     */
    private TrainingSteps.Step nextBatch(DataSet ds, long index, int epoch) {
        INDArray x = Inputs.flat(ds.getFeatures(), config, dataType, "training batch " + index);
        int n = checkedSize(x.size(0), index);
        if (config.denoising()) {
            return denoisingBatch(x.castTo(DataType.FLOAT).dup('c').reshape(-1).toFloatVector(), n, index, epoch);
        }
        TrainingSteps.Step step = steps.forBatch(n);
        step.input().assign(x);
        return step;
    }

    /** The same from an iterator that writes its features into {@code staging}: no per-batch arrays. */
    private TrainingSteps.Step nextBatch(DirectFeatures data, float[] staging, long index, int epoch) {
        int n = checkedSize(data.nextFeatures(staging), index);
        if (config.denoising()) {
            return denoisingBatch(staging, n, index, epoch);
        }
        TrainingSteps.Step step = steps.forBatch(n);
        Inputs.copyChecked(staging, n * config.featureSize(), step.input(), "training batch " + index);
        return step;
    }

    /**
     * A denoising model's batch: the clean images into the likelihood's input, then a corrupted copy (drawn from
     * {@link Seeds#corruptionSeed}) into the encoder's, both by way of float. Overwrites {@code clean} with the
     * corrupted images.
     */
    private TrainingSteps.Step denoisingBatch(float[] clean, int n, long index, int epoch) {
        TrainingSteps.Step step = steps.forBatch(n);
        int length = n * config.inputSize();
        String what = "training batch " + index;
        Inputs.copyChecked(clean, length, step.clean(), what);
        config.corruption().apply(clean, length, new SplittableRandom(Seeds.corruptionSeed(config.seed(), epoch,
                index)));
        Inputs.copyChecked(clean, length, step.input(), what);
        return step;
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
     * Does the one-time work of training ahead of the first epoch: builds SameDiff's gradient function and compiles
     * the step for full batches (a last, partial batch is compiled when it first occurs). Optional: {@link #fit}
     * does it when needed; a caller that reports the start-up cost apart from the first epoch calls it first.
     *
     * @return the seconds it took
     */
    public double prepare() {
        open();
        long t = System.nanoTime();
        steps.forBatch(config.batchSize());
        return (System.nanoTime() - t) / 1e9;
    }

    /** The model this trainer trains. */
    ModelGraph model() {
        return model;
    }

    void open() {
        if (closed) {
            throw new IllegalStateException("this trainer has been closed");
        }
        model.open();
    }

    /** Releases the compiled steps and Adam's buffers (its state stays with the model), and frees the model. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        steps.close();
        adam.close();
        model.detachTrainer();
    }
}
