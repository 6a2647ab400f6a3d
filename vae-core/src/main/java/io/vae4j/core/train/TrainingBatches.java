package io.vae4j.core.train;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.model.Inputs;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * One epoch of a user's {@link DataSetIterator}, prepared for SameDiff's fit on a background thread: features only
 * (labels dropped, as the unsupervised training configuration requires), flattened, cast and checked, a few
 * batches ahead of the training thread.
 *
 * <p>ND4J's own async wrapper deadlocks when the source throws (the consumer waits for a batch that never comes),
 * so this one passes a failure through the queue and rethrows it on the training thread. It reports
 * {@code asyncSupported() == false} so that SameDiff does not wrap it again.
 */
final class TrainingBatches implements MultiDataSetIterator, AutoCloseable {
    private static final long serialVersionUID = 1L;
    private static final int AHEAD = 4;
    private static final Object END = new Object();

    private final transient BlockingQueue<Object> queue = new ArrayBlockingQueue<>(AHEAD);
    private final transient Thread worker;
    private volatile boolean stopped;
    private transient Object pending;

    /** Starts reading the source from where it stands now; the caller resets it beforehand. */
    TrainingBatches(DataSetIterator source, VaeConfig config, DataType dataType) {
        worker = new Thread(() -> produce(source, config, dataType), "vae-batches");
        worker.setDaemon(true);
        worker.start();
    }

    private void produce(DataSetIterator source, VaeConfig config, DataType dataType) {
        try {
            long index = 0;
            while (!stopped && source.hasNext()) {
                DataSet ds = source.next();
                INDArray x = Inputs.flat(ds.getFeatures(), config, dataType, "training batch " + index);
                if (x.size(0) > config.batchSize()) {
                    throw new IllegalArgumentException("training batch " + index + " has " + x.size(0)
                            + " examples but the model's batchSize is " + config.batchSize()
                            + "; give the iterator a batch size <= " + config.batchSize()
                            + " or build the model with a larger batchSize");
                }
                index++;
                put(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x}, null));
            }
            put(END);
        } catch (RuntimeException | Error e) {
            put(e);
        }
    }

    private void put(Object item) {
        try {
            while (!stopped && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                // wait for the training thread, or for close()
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean hasNext() {
        if (pending == null) {
            try {
                pending = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next training batch", e);
            }
        }
        if (pending instanceof RuntimeException e) {
            pending = END;
            throw e;
        }
        if (pending instanceof Error e) {
            pending = END;
            throw e;
        }
        return pending != END;
    }

    @Override
    public MultiDataSet next() {
        if (!hasNext()) {
            throw new java.util.NoSuchElementException("no more training batches in this epoch");
        }
        MultiDataSet batch = (MultiDataSet) pending;
        pending = null;
        return batch;
    }

    @Override
    public MultiDataSet next(int num) {
        throw new UnsupportedOperationException("next(num) is not supported");
    }

    @Override
    public boolean resetSupported() {
        return false;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        throw new UnsupportedOperationException("one TrainingBatches covers one epoch");
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("set a pre-processor on the source iterator instead");
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return null;
    }

    /** Stops the background thread; safe to call at any point. */
    @Override
    public void close() {
        stopped = true;
        queue.clear();
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
