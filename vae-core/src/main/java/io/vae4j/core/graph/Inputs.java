package io.vae4j.core.graph;

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
        long d = c.featureSize();
        boolean flat = x.rank() == 2 && x.size(1) == d;
        boolean image = !c.conditional() && x.rank() == 4 && x.size(1) == c.channels() && x.size(2) == c.height()
                && x.size(3) == c.width();
        boolean single = x.rank() == 1 && x.length() == d;
        if (!flat && !image && !single) {
            throw new IllegalArgumentException(what + " must have shape " + (c.conditional() ? "[n, " + d + "] ("
                    + c.inputSize() + " pixels, then the one-hot label of " + c.classes() + ")" : "[n, " + d
                    + "] or [n, " + c.channels() + ", " + c.height() + ", " + c.width() + "]") + ", got "
                    + Arrays.toString(x.shape()));
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

    /**
     * Copies {@code length} values of {@code src} into {@code dst} (contiguous, in C order, of the same length),
     * after checking that they are finite: the check and the conversion a batch needs, done in one pass in Java
     * instead of as ND4J ops on a temporary array. On the CPU backend it writes the native buffer directly.
     */
    public static void copyChecked(float[] src, int length, INDArray dst, String what) {
        if (dst.length() != length || dst.isView() || dst.ordering() != 'c') {
            throw new IllegalArgumentException("cannot copy " + length + " values into " + what + " of shape "
                    + Arrays.toString(dst.shape()));
        }
        for (int i = 0; i < length; i++) {
            if (!Float.isFinite(src[i])) {
                int d = (int) (length / Math.max(1, dst.size(0)));
                throw new IllegalArgumentException(what + " contains NaN or infinite values (example " + i / d
                        + ", value " + i % d + ": " + src[i] + ")");
            }
        }
        if (CPU && dst.dataType() == DataType.FLOAT) {
            dst.data().asNioFloat().put(src, 0, length);
        } else if (CPU && dst.dataType() == DataType.DOUBLE) {
            java.nio.DoubleBuffer out = dst.data().asNioDouble();
            for (int i = 0; i < length; i++) {
                out.put(i, src[i]);
            }
        } else {
            dst.assign(org.nd4j.linalg.factory.Nd4j.create(java.util.Arrays.copyOf(src, length), dst.shape(), 'c')
                    .castTo(dst.dataType()));
        }
    }

    /** Whether arrays live in host memory that Java may write directly (not so on the CUDA backend). */
    private static final boolean CPU = io.vae4j.core.backend.HostKernels.hostMemory();

    /**
     * The sum of a small contiguous array's values in double precision, read in Java: one native round trip fewer
     * than {@code sumNumber()}, for the per-example loss terms read back after every training step.
     */
    public static double sum(INDArray a) {
        if (!CPU || a.isView() || a.ordering() != 'c'
                || a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
            return a.sumNumber().doubleValue();
        }
        long n = a.length();
        double s = 0;
        if (a.dataType() == DataType.FLOAT) {
            java.nio.FloatBuffer b = a.data().asNioFloat();
            for (int i = 0; i < n; i++) {
                s += b.get(i);
            }
        } else {
            java.nio.DoubleBuffer b = a.data().asNioDouble();
            for (int i = 0; i < n; i++) {
                s += b.get(i);
            }
        }
        return s;
    }

    /**
     * The decoder's input as [n, decoderInputSize] in the model's data type: latent codes, followed for a
     * conditional model by the one-hot label.
     */
    public static INDArray latent(INDArray z, VaeConfig c, DataType dataType) {
        return rows(z, c.decoderInputSize(), "latent codes", c.conditional() ? " (z of " + c.latentSize()
                + ", then the one-hot label of " + c.classes() + ")" : "", dataType);
    }

    /** Standard normal noise for the reparameterisation, [n, latentSize] in the model's data type. */
    public static INDArray noise(INDArray eps, VaeConfig c, DataType dataType) {
        return rows(eps, c.latentSize(), "noise eps", "", dataType);
    }

    private static INDArray rows(INDArray z, long l, String what, String layout, DataType dataType) {
        if (z == null || !(z.rank() == 2 && z.size(1) == l || z.rank() == 1 && z.length() == l)) {
            throw new IllegalArgumentException(what + " must have shape [n, " + l + "]" + layout + ", got "
                    + (z == null ? "null" : Arrays.toString(z.shape())));
        }
        INDArray out = z.rank() == 1 ? z.reshape(1, l) : z;
        if (!Double.isFinite(out.sumNumber().doubleValue())) {
            throw new IllegalArgumentException(what + " contain NaN or infinite values");
        }
        return out.dataType() == dataType ? out : out.castTo(dataType);
    }
}
