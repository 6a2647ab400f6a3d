package io.vae4j.core.exec;

import java.nio.FloatBuffer;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A FLOAT array of the CPU backend as Java code ({@link Step.Host}) reads and writes it: its own buffer
 * when it is dense, else a dense copy that {@link #gather} fills before a kernel reads it and {@link #scatter} copies
 * back after a kernel wrote it.
 */
public final class HostArray {
    private final INDArray array;
    private final INDArray dense;
    private final FloatBuffer buffer;

    /** @param scratch receives the dense copy, if one is needed, so that its owner releases it */
    public HostArray(INDArray array, List<INDArray> scratch) {
        this.array = array;
        if (dense(array)) {
            dense = array;
        } else {
            dense = Nd4j.create(DataType.FLOAT, array.shape(), 'c');
            scratch.add(dense);
        }
        buffer = dense.data().asNioFloat();
    }

    /** Whether Java may read this array as one dense row-major float block from its buffer's start. */
    static boolean dense(INDArray a) {
        return a.dataType() == DataType.FLOAT && !a.isView() && a.offset() == 0 && a.ordering() == 'c'
                && a.length() == a.data().length();
    }

    /** Before reading: brings a view's values into the dense copy. */
    public void gather() {
        if (dense != array) {
            dense.assign(array);
        }
    }

    /** After writing: copies the dense copy's values into a view. */
    public void scatter() {
        if (dense != array) {
            array.assign(dense);
        }
    }

    /** Elements [from, from + len) into dst[from..]. */
    public void get(float[] dst, int from, int len) {
        buffer.get(from, dst, from, len);
    }

    /** dst.length elements from element {@code from} into dst[0..]. */
    public void row(int from, float[] dst) {
        buffer.get(from, dst, 0, dst.length);
    }

    /** src[from..from + len) into elements [from, from + len). */
    public void put(float[] src, int from, int len) {
        buffer.put(from, src, from, len);
    }
}
