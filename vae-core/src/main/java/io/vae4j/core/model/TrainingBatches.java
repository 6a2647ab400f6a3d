package io.vae4j.core.model;

import io.vae4j.core.config.VaeConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Feeds a user's {@link DataSetIterator} to SameDiff's fit: features only (labels dropped, as the unsupervised
 * training configuration requires), flattened, cast and checked. It declares itself async-capable, so SameDiff
 * prefetches batches on a background thread and this work stays off the training thread.
 */
final class TrainingBatches implements MultiDataSetIterator {
    private static final long serialVersionUID = 1L;

    private final DataSetIterator source;
    private final VaeConfig config;
    private final DataType dataType;
    private long batchIndex;

    TrainingBatches(DataSetIterator source, VaeConfig config, DataType dataType) {
        this.source = source;
        this.config = config;
        this.dataType = dataType;
    }

    @Override
    public MultiDataSet next() {
        DataSet ds = source.next();
        long index = batchIndex++;
        INDArray x = Inputs.flat(ds.getFeatures(), config, dataType, "training batch " + index);
        if (x.size(0) > config.batchSize()) {
            throw new IllegalArgumentException("training batch " + index + " has " + x.size(0)
                    + " examples but the model's batchSize is " + config.batchSize()
                    + "; give the iterator a batch size <= " + config.batchSize()
                    + " or build the model with a larger batchSize");
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x}, null);
    }

    @Override
    public MultiDataSet next(int num) {
        throw new UnsupportedOperationException("next(num) is not supported");
    }

    @Override
    public boolean hasNext() {
        return source.hasNext();
    }

    @Override
    public boolean resetSupported() {
        return source.resetSupported();
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public void reset() {
        source.reset();
        batchIndex = 0;
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("set a pre-processor on the source iterator instead");
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return null;
    }
}
