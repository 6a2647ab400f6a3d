package io.vae4j.mnist.cli;

import io.vae4j.core.eval.ElboResult;
import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.MnistIterator;
import io.vae4j.mnist.run.MnistData;
import io.vae4j.mnist.run.RunFiles;
import io.vae4j.mnist.run.RunSettings;
import io.vae4j.mnist.run.WorkEstimate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Test-set -ELBO and the importance-weighted NLL estimate of a trained model. */
@Command(name = "evaluate",
        header = "Test -ELBO and importance-weighted NLL of a trained model.",
        footerHeading = "%nExamples:%n", footer = {"  ./vae evaluate --model runs/default", "  ./vae evaluate --model runs/default --iwae-k 1000 --test-limit 1000"}, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a trained model on the MNIST test set: -ELBO (reconstruction + KL) and the "
            + "importance-weighted estimate of -log p(x) (Burda et al.), in nats per image. Writes evaluation.json "
            + "into the run directory."})
final class EvaluateCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluateCommand.class);
    private static final int CHUNK = 100;
    /** The MNIST test set's size: the most images an evaluation reads. */
    private static final long MNIST_TEST_IMAGES = 10_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DataOptions data;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Run directory or model file.")
    Path model;

    @Option(names = "--iwae-k", paramLabel = "K", defaultValue = "5000",
            description = "Importance samples per image for the NLL estimate, 0 (skip it) or more; work beyond "
                    + "--max-hours is refused before it starts. Default: ${DEFAULT-VALUE}.")
    int k;

    @Mixin
    WorkLimit work;

    @Option(names = "--test-limit", paramLabel = "N", defaultValue = "0",
            description = "Evaluate on the first N test images (0: all 10,000).")
    int limit;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the evaluation noise (z ~ q(z|x) for the -ELBO, "
            + "the importance samples for the NLL). Default: the model's seed, which the per-epoch test -ELBO in "
            + "metrics.csv uses too, so the same images give the same -ELBO there and here.")
    Long seed;

    @Override
    public Integer call() throws IOException {
        if (k < 0 || limit < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--iwae-k and --test-limit must be >= 0, got "
                    + k + " and " + limit);
        }
        PrintWriter out = spec.commandLine().getOut();
        VaeCli.logBackend();
        try (Vae vae = Models.load(model)) {
            if (k > 0 && vae.config().variational()) {
                long images = limit > 0 ? Math.min(limit, MNIST_TEST_IMAGES) : MNIST_TEST_IMAGES;
                work.check(WorkEstimate.importanceSamplingSeconds(vae.config(), images, k, WorkLimit.cores()),
                        String.format(Locale.ROOT, "importance sampling with k=%,d on %,d test images (%,d decoder "
                                + "passes)", k, images, (long) k * images), "lower --iwae-k or --test-limit");
            }
            RunSettings trained = Models.settings(model, vae.epochsDone());
            RunSettings settings = new RunSettings(trained.epochs(), trained.binarization(), 0, limit, -1);
            MnistData mnist = MnistData.load(data.dir(), settings, vae.config().seed(), DataOptions.fetcher);
            long noiseSeed = seed != null ? seed : vae.config().seed();
            ElboResult elbo = vae.evaluate(mnist.testIterator(1000, vae.config().conditional()), noiseSeed);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("test_images", elbo.examples());
            result.put("seed", noiseSeed);
            result.put("binarization", settings.binarization());
            result.put("test_neg_elbo", elbo.negElbo());
            result.put("test_recon", elbo.reconstruction());
            result.put("test_kl", elbo.kl());
            out.printf(Locale.ROOT, "test -ELBO  %.2f nats per image (reconstruction %.2f, KL %.2f), %d images%n",
                    elbo.negElbo(), elbo.reconstruction(), elbo.kl(), elbo.examples());
            if (k > 0 && vae.config().variational()) {
                double nll = importanceWeightedNll(vae, mnist, k, noiseSeed);
                result.put("iwae_k", k);
                result.put("test_nll_iwae", nll);
                out.printf(Locale.ROOT, "test NLL    %.2f nats per image (importance-weighted, k=%d)%n", nll, k);
            } else if (k > 0) {
                out.println("test NLL    not defined: the model is a plain autoencoder (no posterior to sample)");
            }
            Path file = Models.runDir(model).resolve("evaluation.json");
            RunFiles.writeJson(file, result);
            out.println("Wrote " + file);
        }
        return 0;
    }

    /**
     * The mean importance-weighted NLL over the test images, in chunks of {@value #CHUNK} images; the noise of the
     * chunk starting at image n is seeded with a mix of the seed and n, so a run is reproducible and its chunks
     * draw independent noise.
     */
    private static double importanceWeightedNll(Vae vae, MnistData mnist, int k, long seed) {
        MnistIterator it = mnist.testIterator(CHUNK, vae.config().conditional());
        double sum = 0;
        long n = 0;
        int total = mnist.test().count();
        LOG.info(String.format(Locale.ROOT, "importance sampling: k=%d on %,d test images (%,d decoder passes); "
                + "--test-limit N or a smaller --iwae-k make it shorter", k, total, (long) k * total));
        long start = System.nanoTime();
        long lastLog = start;
        while (it.hasNext()) {
            INDArray x = it.next().getFeatures();
            for (double lp : vae.importanceWeightedLogLikelihood(x, k, seed ^ (0x9E3779B97F4A7C15L * (n + 1)))) {
                sum -= lp;
            }
            n += x.size(0);
            long now = System.nanoTime();
            if (n == x.size(0) && n < total) { // after the first chunk: how long the whole will take
                LOG.info(String.format(Locale.ROOT, "importance sampling will take about %.0f s at this speed",
                        (now - start) / 1e9 * total / n));
            }
            if (now - lastLog > 10_000_000_000L) {
                lastLog = now;
                double rate = n / ((now - start) / 1e9);
                LOG.info(String.format(Locale.ROOT, "importance sampling: %d/%d images, NLL so far %.2f, ETA %.0f s",
                        n, mnist.test().count(), sum / n, (mnist.test().count() - n) / rate));
            }
        }
        return sum / n;
    }
}
