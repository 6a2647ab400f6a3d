package io.vae4j.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.compat.Dl4jCompat;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.model.Vae;
import io.vae4j.core.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;

/** Closing frees the optimizer state, and a model has at most one trainer at a time. */
class TrainerCloseTest {
    @TempDir
    Path dir;

    @Test
    void closingALoadedModelFreesItsOptimizerState() throws Exception {
        VaeConfig c = VaeConfig.builder().setInputSize(12).setLatentSize(2).optEncoderHidden(List.of(6))
                .optBatchSize(8).build();
        Path file = dir.resolve("m.vae");
        try (Vae vae = Vae.create(c)) {
            TestData.fit(vae, TestData.iterator(TestData.binaryPatterns(16, 12, 2, 1), 8), 1);
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

    /**
     * Two trainers on one model would update the same parameters with two sets of Adam moments: the second is
     * refused until the first is closed, and a closed trainer or model refuses to train.
     */
    @Test
    void oneTrainerAtATime() {
        VaeConfig c = VaeConfig.builder().setInputSize(12).setLatentSize(2).optEncoderHidden(List.of(6))
                .optBatchSize(8).build();
        Vae vae = Vae.create(c);
        Trainer first = new Trainer(vae);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Trainer(vae));
        assertTrue(e.getMessage().contains("already has a trainer"), e.getMessage());
        first.close();
        try (Trainer second = new Trainer(vae)) {
            assertEquals(1, second.fit(TestData.iterator(TestData.binaryPatterns(16, 12, 2, 1), 8), 1).size());
        }
        assertThrows(IllegalStateException.class, () -> first.fit(TestData.iterator(TestData.binaryPatterns(8, 12,
                2, 1), 8), 1));
        vae.close();
        assertThrows(IllegalStateException.class, () -> new Trainer(vae));
    }

    private static Map<String, GradientUpdater> updaters(SameDiff sd) {
        return Dl4jCompat.updaterState(sd);
    }
}
