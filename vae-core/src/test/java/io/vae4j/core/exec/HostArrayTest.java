package io.vae4j.core.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class HostArrayTest {
    @Test
    void aViewIsReadAndWrittenThroughADenseCopy() {
        INDArray whole = Nd4j.linspace(DataType.FLOAT, 1, 20, 1).reshape(4, 5);
        INDArray rows = whole.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all()); // rows 1 and 2: a view
        java.util.List<INDArray> scratch = new java.util.ArrayList<>();
        HostArray h = new HostArray(rows, scratch);
        assertEquals(1, scratch.size());
        h.gather();
        float[] values = new float[10];
        h.get(values, 0, 10);
        assertArrayEquals(rows.dup().data().asFloat(), values);
        for (int k = 0; k < 10; k++) {
            values[k] = -values[k];
        }
        h.put(values, 0, 10);
        h.scatter();
        assertEquals(-6f, whole.getFloat(1, 0));
        assertEquals(-15f, whole.getFloat(2, 4));
        assertEquals(5f, whole.getFloat(0, 4)); // outside the view: untouched
        assertEquals(16f, whole.getFloat(3, 0));
    }
}
