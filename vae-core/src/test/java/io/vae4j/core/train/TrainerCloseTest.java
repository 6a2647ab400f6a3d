package io.vae4j.core.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.model.Vae;
import io.vae4j.core.testing.TestData;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;

/** Closing a model frees the optimizer state too: the trainer's buffers and SameDiff's own loaded copy. */
class TrainerCloseTest {
    @TempDir
    Path dir;

    @Test
    void closingALoadedModelFreesItsOptimizerState() throws Exception {
        VaeConfig c = VaeConfig.builder().setInputSize(12).setLatentSize(2).optEncoderHidden(List.of(6))
                .optBatchSize(8).build();
        Path file = dir.resolve("m.vae");
        try (Vae vae = Vae.create(c)) {
            vae.fit(TestData.iterator(TestData.binaryPatterns(16, 12, 2, 1), 8), 1);
            vae.save(file);
        }
        Vae loaded = Vae.load(file);
        List<INDArray> state = new ArrayList<>();
        for (GradientUpdater u : updaters(loaded.graph()).values()) {
            for (Object a : u.getState().values()) {
                state.add((INDArray) a);
            }
        }
        assertFalse(state.isEmpty(), "the saved model has no Adam state");
        assertTrue(state.stream().anyMatch(INDArray::closeable));
        loaded.close();
        for (INDArray a : state) {
            assertTrue(!a.closeable() || a.wasClosed(), "an optimizer state array was left open");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, GradientUpdater> updaters(SameDiff sd) throws ReflectiveOperationException {
        Field f = SameDiff.class.getDeclaredField("updaterMap");
        f.setAccessible(true);
        return (Map<String, GradientUpdater>) f.get(sd);
    }
}
