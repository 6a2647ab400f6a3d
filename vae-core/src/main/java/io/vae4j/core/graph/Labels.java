package io.vae4j.core.graph;

import io.vae4j.core.config.VaeConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The one-hot labels of a conditional model: appended to the pixels (the encoder's input) and to z (the decoder's),
 * and read back from inputs.
 */
public final class Labels {
    private Labels() {
    }

    /** [head | one-hot labels], head [n, width]. */
    public static INDArray append(INDArray head, int width, int[] labels, VaeConfig config, DataType dataType) {
        INDArray out = Nd4j.create(dataType, labels.length, width + config.classes());
        out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, width)).assign(head);
        for (int i = 0; i < labels.length; i++) {
            require(labels[i], config);
            out.putScalar(i, width + labels[i], 1.0);
        }
        return out;
    }

    /**
     * Checks that a model is conditional and a label is one of its classes.
     *
     * @throws IllegalArgumentException naming the model's kind or the label's range
     */
    public static void require(int label, VaeConfig config) {
        if (!config.conditional()) {
            throw new IllegalArgumentException("this model is not conditional (kind " + config.kind()
                    + "); only a conditional model (ModelKind.CVAE) generates a chosen label");
        }
        if (label < 0 || label >= config.classes()) {
            throw new IllegalArgumentException("label must be in [0, " + (config.classes() - 1) + "], got " + label);
        }
    }

    /** The label part of conditional inputs [n, featureSize] (or null for a model that is not conditional). */
    public static INDArray of(INDArray xf, VaeConfig config) {
        return config.conditional()
                ? xf.get(NDArrayIndex.all(), NDArrayIndex.interval(config.inputSize(), config.featureSize()))
                : null;
    }

    /** z followed by the labels' one-hot rows for a conditional model, else z. */
    public static INDArray decoderInput(INDArray z, INDArray labels) {
        return labels == null ? z : Nd4j.hstack(z, labels.castTo(z.dataType()));
    }
}
