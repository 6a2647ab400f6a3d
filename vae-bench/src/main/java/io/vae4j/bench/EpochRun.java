package io.vae4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vae4j.core.backend.BackendInfo;
import io.vae4j.core.backend.NativeBuild;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.model.Vae;
import io.vae4j.core.train.Trainer;
import io.vae4j.core.train.EpochSummary;
import io.vae4j.mnist.data.Binarization;
import io.vae4j.mnist.data.MnistFetcher;
import io.vae4j.mnist.data.MnistIterator;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.run.RunSettings;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PyTorch reference protocol run by vae4j, for the runner's side-by-side rows: the reference MLP
 * (784-400-20, Bernoulli, Adam 1e-3, batch 128) trained on the real MNIST training set (fetched and checked if
 * missing), whole epochs through the application's data pipeline, exactly as {@code ./vae train} trains.
 * Run in its own JVM by {@link BenchRunner} (after {@link NativeBuild#select}, so {@code -Dvae.native} chooses the
 * native build); prints one line "RESULT {json}" with each epoch's samples/s, the peak resident set size and what
 * ran.
 *
 * <pre>java -cp benchmarks.jar io.vae4j.bench.EpochRun DATA_DIR EPOCHS [mlp|conv] [LIMIT] [IWAE_K] [BATCH]</pre>
 *
 * With IWAE_K &gt; 0 it then times the importance-weighted NLL with k = IWAE_K on the first 1,000 test images, as
 * {@code ./vae evaluate --iwae-k K --test-limit 1000} computes it.
 *
 * "conv" is the shape of {@code ./vae train --arch conv}: conv 32, 64, dense 400, latent 20. BATCH (default 128,
 * the protocol's) is for the runner's batch-size sweep.
 */
public final class EpochRun {
    private EpochRun() {
    }

    public static void main(String[] args) throws Exception {
        String build = NativeBuild.select();
        Path data = Path.of(args[0]);
        int epochs = Integer.parseInt(args[1]);
        String arch = args.length > 2 ? args[2] : "mlp";
        int limit = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        int iwaeK = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        int batch = args.length > 5 ? Integer.parseInt(args[5]) : 128;
        BackendInfo info = BenchModels.checkBackend();
        int threads = info.gpu() ? info.threads() : NativeBuild.limitThreads();
        MnistData mnist = MnistData.load(data, new RunSettings(epochs, Binarization.NONE, limit, 0, -1), 1,
                MnistFetcher.standard());
        VaeConfig.Builder b = VaeConfig.builder().optSeed(1).optBatchSize(batch);
        if (arch.equals("conv")) {
            b.setInputShape(1, 28, 28).optArchitecture(io.vae4j.core.config.Architecture.CONV)
                    .optConvChannels(java.util.List.of(32, 64));
        }
        VaeConfig config = b.build();
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        ArrayNode rates = json.createArrayNode();
        try (Vae vae = Vae.create(config); Trainer trainer = new Trainer(vae)) {
            MnistIterator train = mnist.trainIterator(config.batchSize(), 0);
            out.put("prepare_s", trainer.prepare());
            for (int e = 0; e < epochs; e++) {
                EpochSummary s = trainer.fit(train, 1).get(0);
                rates.add(s.examplesPerSecond());
                System.err.printf("vae4j epoch %d: %.0f samples/s, train -ELBO %.2f%n", e + 1, s.examplesPerSecond(),
                        s.negElbo());
            }
            out.put("peak_rss_mb", peakRssMb()); // of training: before the evaluation below
            if (iwaeK > 0) {
                org.nd4j.linalg.api.ndarray.INDArray x = MnistIterator.inOrder(mnist.test(), 1000).next()
                        .getFeatures();
                long t = System.nanoTime();
                double[] ll = vae.importanceWeightedLogLikelihood(x, iwaeK, 1);
                double seconds = (System.nanoTime() - t) / 1e9;
                out.put("iwae_nll", -java.util.Arrays.stream(ll).average().orElse(Double.NaN));
                out.put("iwae_seconds", seconds);
                out.put("iwae_k", iwaeK);
                out.put("iwae_n", ll.length);
            }
        }
        out.set("samples_per_s", rates);
        out.put("peak_rss_end_mb", peakRssMb());
        out.put("native", info.gpu() ? "cuda" : build);
        out.put("onednn", !info.gpu() && NativeBuild.onednnLoaded());
        out.put("threads", threads);
        out.put("device", info.device());
        System.out.println("RESULT " + json.writeValueAsString(out));
    }

    /** VmHWM from /proc/self/status: the most resident memory this process has had, in MB (-1 if unknown). */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
