package io.vae4j.core.compat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.imports.converters.DifferentialFunctionClassHolder;
import org.nd4j.imports.descriptors.tensorflow.TensorflowDescriptorParser;

/** ND4J's TensorFlow op list is skipped, and ND4J's op table, which SameDiff needs, is still built. */
class Dl4jCompatTest {
    @Test
    void theOpTableIsBuiltWithAnEmptyTensorflowList() {
        // in this JVM the first graph built already skipped it (VaeGraph), or this call does
        assertTrue(Dl4jCompat.skipTensorflowOpList(null));
        assertTrue(Dl4jCompat.tensorflowOpListSkipped());
        assertTrue(TensorflowDescriptorParser.opDescs().isEmpty());
        // what SameDiff reads from the table to clone ops into a gradient function and to load a saved graph
        DifferentialFunctionClassHolder holder = DifferentialFunctionClassHolder.getInstance();
        assertNotNull(holder.getInstance("matmul"));
        assertNotNull(holder.getInstance("sigmoid"));
    }

    @Test
    void loadKeepsNd4jsBehaviour() {
        assertFalse(Dl4jCompat.skipTensorflowOpList("load"));
        assertFalse(Dl4jCompat.skipTensorflowOpList(" LOAD "));
    }
}
