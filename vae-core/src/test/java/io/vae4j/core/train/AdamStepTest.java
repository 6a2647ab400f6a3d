package io.vae4j.core.train;

import io.vae4j.core.graph.VaeNames;
import io.vae4j.core.model.Vae;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vae4j.core.config.ModelKind;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.testing.TestData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Three training steps equal three steps of Adam written out in double precision here:
 * m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2, theta -= lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + 1e-8/batchSize),
 * with g the gradient of the batch-mean loss. Up to epsilon this is PyTorch's Adam on the loss summed over the
 * batch (G = batchSize g): PyTorch adds its 1e-8 to sqrt(v_hat), which equals adding 1e-8 sqrt(1-b2^t)/batchSize
 * here; the two differ only while b2^t is not small and only for gradients near 1e-8 (about 1e-8 in a parameter
 * after the first step of this test). An autoencoder keeps the loss free of noise.
 */
class AdamStepTest {
    @Test
    void trainingStepsFollowAdamWrittenOutInDouble() {
        int batch = 8;
        VaeConfig c = VaeConfig.builder().setInputSize(10).setLatentSize(3).optEncoderHidden(List.of(6))
                .optKind(ModelKind.AE).optBatchSize(batch).optLearningRate(0.01).build();
        INDArray x = TestData.binaryPatterns(batch, 10, 2, 4).castTo(DataType.DOUBLE);
        try (Vae vae = Vae.create(c, DataType.DOUBLE)) {
            SameDiff sd = vae.graph();
            List<String> params = new ArrayList<>();
            for (SDVariable v : sd.variables()) {
                if (v.getVariableType() == VariableType.VARIABLE) {
                    params.add(v.name());
                }
            }
            Map<String, double[]> theta = new HashMap<>();
            Map<String, double[]> m = new HashMap<>();
            Map<String, double[]> v = new HashMap<>();
            for (String p : params) {
                theta.put(p, sd.getVariable(p).getArr().dup().reshape(-1).toDoubleVector());
                m.put(p, new double[theta.get(p).length]);
                v.put(p, new double[theta.get(p).length]);
            }
            double lr = 0.01;
            double b1 = 0.9;
            double b2 = 0.999;
            for (int t = 1; t <= 3; t++) {
                // gradient of the mean loss at the current (reference) parameters
                Map<String, INDArray> current = new HashMap<>();
                for (String p : params) {
                    current.put(p, sd.getVariable(p).getArr().dup());
                    sd.getVariable(p).getArr().assign(shaped(theta.get(p), current.get(p)));
                }
                Map<String, INDArray> grads = gradients(vae, x, params);
                for (String p : params) {
                    sd.getVariable(p).getArr().assign(current.get(p));
                }
                for (String p : params) {
                    double[] g = grads.get(p).reshape(-1).toDoubleVector();
                    double[] th = theta.get(p);
                    double alpha = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
                    for (int i = 0; i < th.length; i++) {
                        m.get(p)[i] = b1 * m.get(p)[i] + (1 - b1) * g[i];
                        v.get(p)[i] = b2 * v.get(p)[i] + (1 - b2) * g[i] * g[i];
                        th[i] -= alpha * m.get(p)[i] / (Math.sqrt(v.get(p)[i]) + 1e-8 / batch);
                    }
                }
                TestData.fit(vae, TestData.iterator(x, batch), 1);
                for (String p : params) {
                    double[] got = sd.getVariable(p).getArr().reshape(-1).toDoubleVector();
                    double[] want = theta.get(p);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], got[i], 1e-12, "step " + t + " " + p + "[" + i + "]");
                    }
                }
            }
        }
    }

    private static INDArray shaped(double[] values, INDArray like) {
        return org.nd4j.linalg.factory.Nd4j.createFromArray(values).reshape(like.shape()).castTo(like.dataType());
    }

    private static Map<String, INDArray> gradients(Vae vae, INDArray x, List<String> params) {
        SameDiff sd = vae.graph();
        Map<String, INDArray> feed = Map.of(VaeNames.X, x);
        Map<String, INDArray> out = new HashMap<>();
        // central differences would be slower; SameDiff's gradient is itself verified by GradientCheckTest
        sd.calculateGradients(feed, params).forEach((k, g) -> out.put(k, g.dup()));
        return out;
    }
}
