package io.vae4j.core.model;

import io.vae4j.core.config.VaeConfig;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Checks and normalises input batches: shape [n, inputSize] or [n, channels, height, width], finite values. */
public final class Inputs {
    private Inputs() {
    }

    /** The batch as [n, inputSize] in the model's data type; rejects wrong shapes and non-finite values. */
    public static INDArray flat(INDArray x, VaeConfig c, DataType dataType, String what) {
        if (x == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        long d = c.inputSize();
        boolean flat = x.rank() == 2 && x.size(1) == d;
        boolean image = x.rank() == 4 && x.size(1) == c.channels() && x.size(2) == c.height()
                && x.size(3) == c.width();
        boolean single = x.rank() == 1 && x.length() == d;
        if (!flat && !image && !single) {
            throw new IllegalArgumentException(what + " must have shape [n, " + d + "] or [n, " + c.channels() + ", "
                    + c.height() + ", " + c.width() + "], got " + Arrays.toString(x.shape()));
        }
        INDArray out = flat ? x : x.reshape('c', single ? 1 : x.size(0), d);
        if (out.dataType() != dataType) {
            out = out.castTo(dataType);
        }
        if (out.length() > 0 && !Double.isFinite(out.sumNumber().doubleValue())) {
            throw new IllegalArgumentException(what + " contains NaN or infinite values");
        }
        return out;
    }

    /** Latent codes as [n, latentSize] in the model's data type. */
    public static INDArray latent(INDArray z, VaeConfig c, DataType dataType) {
        long l = c.latentSize();
        if (z == null || !(z.rank() == 2 && z.size(1) == l || z.rank() == 1 && z.length() == l)) {
            throw new IllegalArgumentException("latent codes must have shape [n, " + l + "], got "
                    + (z == null ? "null" : Arrays.toString(z.shape())));
        }
        INDArray out = z.rank() == 1 ? z.reshape(1, l) : z;
        if (!Double.isFinite(out.sumNumber().doubleValue())) {
            throw new IllegalArgumentException("latent codes contain NaN or infinite values");
        }
        return out.dataType() == dataType ? out : out.castTo(dataType);
    }
}
