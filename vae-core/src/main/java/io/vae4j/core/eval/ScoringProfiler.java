package io.vae4j.core.eval;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.graph.Labels;
import io.vae4j.core.graph.ModelGraph;
import io.vae4j.core.graph.VaeNames;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where the time of one importance-sampling decoder call goes (the call {@link ImportanceSampler} makes for each
 * block of draws: codes and targets in, each row's Bernoulli NLL out), step by step of the compiled graph, for
 * benchmarks and diagnosis.
 */
public final class ScoringProfiler {
    private ScoringProfiler() {
    }

    /**
     * Runs {@code calls} decoder calls of {@code rows} rows (after as many untimed ones) on random codes and the
     * given target images, and returns the mean wall time per call of each step, in microseconds, largest first.
     *
     * @param images target images [n, pixels], repeated to fill the rows; of a model with a Bernoulli likelihood
     *               for the NLL kernel to run
     */
    public static Map<String, Double> profile(ModelGraph model, INDArray images, int rows, int calls) {
        VaeConfig config = model.config();
        try (Forward forward = new Forward(model)) {
            INDArray z = Nd4j.randn(model.dataType(), rows, config.latentSize());
            INDArray labels = config.conditional() ? Nd4j.zeros(model.dataType(), rows, config.classes()) : null;
            INDArray target = Nd4j.create(model.dataType(), rows, config.inputSize());
            for (int r = 0; r < rows; r++) {
                target.putRow(r, images.getRow(r % images.size(0)));
            }
            INDArray decoderInput = Labels.decoderInput(z, labels);
            Inference.Compiled fn = forward.inference().compiled(Map.of(VaeNames.Z_IN, decoderInput,
                    VaeNames.X_TARGET, target), rows, VaeNames.NLL_Z);
            fn.inputs().get(VaeNames.Z_IN).assign(decoderInput);
            fn.inputs().get(VaeNames.X_TARGET).assign(target);
            long[] nanos = new long[fn.graph().size()];
            for (int c = 0; c < 2 * calls; c++) {
                if (c == calls) {
                    Arrays.fill(nanos, 0);
                }
                fn.graph().runTimed(nanos);
            }
            return fn.graph().microsPerRun(nanos, calls);
        }
    }
}
