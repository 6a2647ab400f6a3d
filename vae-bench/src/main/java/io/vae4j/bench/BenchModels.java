package io.vae4j.bench;

import io.vae4j.core.backend.BackendInfo;
import io.vae4j.core.backend.NativeBuild;
import io.vae4j.core.config.Architecture;
import io.vae4j.core.config.VaeConfig;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The models and data the benchmarks use, in one place so every benchmark measures the same shapes. */
public final class BenchModels {
    /** System property the runner sets: "cpu" or "gpu", the backend the benchmark JVM must have loaded. */
    public static final String EXPECTED_BACKEND = "vae.bench.expectedBackend";
    /** Samples per training invocation: whole batches adding up to about this many. */
    static final int SAMPLES_PER_TRAINING_INVOCATION = 4096;

    private BenchModels() {
    }

    /**
     * "mlp": the reference 784-400-20 MLP VAE; "conv": conv 32, 64 (4x4, stride 2) then 256 to a 20-D latent.
     * Bernoulli likelihood, Adam 1e-3, the batch size given.
     */
    public static VaeConfig config(String model, int batch) {
        VaeConfig.Builder b = VaeConfig.builder().setInputShape(1, 28, 28).setLatentSize(20).optBatchSize(batch)
                .optSeed(7);
        return switch (model) {
            case "mlp" -> b.optEncoderHidden(List.of(400)).build();
            case "conv" -> b.optArchitecture(Architecture.CONV).optConvChannels(List.of(32, 64))
                    .optEncoderHidden(List.of(256)).build();
            default -> throw new IllegalArgumentException("model must be mlp or conv, got " + model);
        };
    }

    /** Training steps per invocation for a batch size (at least one). */
    public static int stepsPerInvocation(int batch) {
        return Math.max(1, SAMPLES_PER_TRAINING_INVOCATION / batch);
    }

    /** n MNIST-like binary images, [n, 784], from a seed. */
    public static INDArray images(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[n * 784];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextInt(5) == 0 ? 1f : 0f;
        }
        return Nd4j.create(v, new long[] {n, 784}, DataType.FLOAT);
    }

    /** The batches of one training invocation. */
    public static List<DataSet> batches(int batch, long seed) {
        int steps = stepsPerInvocation(batch);
        java.util.ArrayList<DataSet> out = new java.util.ArrayList<>(steps);
        for (int s = 0; s < steps; s++) {
            INDArray x = images(batch, seed + s);
            out.add(new DataSet(x, x));
        }
        return out;
    }

    /**
     * Fails unless ND4J loaded the backend the runner asked for: a GPU run must never silently fall back to the
     * CPU and be counted as the GPU.
     */
    public static BackendInfo checkBackend() {
        NativeBuild.select(); // before ND4J loads: the fastest nd4j-native build this CPU runs, or -Dvae.native
        BackendInfo info = BackendInfo.current();
        if (!info.gpu()) {
            info = new BackendInfo(info.backend(), false, info.device(), info.blasVendor(),
                    NativeBuild.limitThreads());
        }
        String expected = System.getProperty(EXPECTED_BACKEND);
        if (expected != null && expected.equals("gpu") != info.gpu()) {
            throw new IllegalStateException("asked for the " + expected + " backend but ND4J loaded "
                    + info.describe());
        }
        return info;
    }
}
