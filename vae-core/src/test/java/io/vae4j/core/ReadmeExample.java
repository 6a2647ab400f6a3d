package io.vae4j.core;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.eval.ElboResult;
import io.vae4j.core.graph.Encoding;
import io.vae4j.core.model.Interpolation;
import io.vae4j.core.model.Vae;
import io.vae4j.core.train.EpochSummary;
import io.vae4j.core.train.Trainer;
import io.vae4j.core.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** The code shown in the README's "Using the library" section; ReadmeSnippetTest keeps the two identical. */
final class ReadmeExample {
    record Outcome(ElboResult test, Encoding code, INDArray samples, INDArray path, double[] logPx, int epochsDone) {
    }

    private ReadmeExample() {
    }

    static Outcome run(DataSetIterator train, DataSetIterator test, INDArray images, int epochs, Path modelFile)
            throws IOException {
        ElboResult result;
        Encoding code;
        INDArray samples;
        INDArray path;
        double[] logPx;
        // README:begin
        VaeConfig config = VaeConfig.builder()
                .setInputShape(1, 28, 28)            // MNIST-sized inputs, flattened to 784
                .setLatentSize(20)
                .optEncoderHidden(List.of(400))      // the decoder mirrors it: 784-400-20-400-784
                .optBeta(1.0)                        // loss = reconstruction + beta * KL
                .build();                            // Bernoulli likelihood, ReLU, Adam 1e-3, batch 128
        try (Vae vae = Vae.create(config); Trainer trainer = new Trainer(vae)) {
            trainer.fit(train, epochs, new TrainingListener() {
                @Override
                public void onEpochEnd(EpochSummary s) {
                    System.out.printf("epoch %d: train -ELBO %.2f%n", s.epoch() + 1, s.negElbo());
                }
            });
            result = vae.evaluate(test);                          // -ELBO, reconstruction, KL in nats
            code = vae.encode(images);                            // mu and log sigma^2
            samples = vae.sample(64, 7);                          // decode z ~ N(0, I)
            path = vae.interpolate(images.getRow(0, true), images.getRow(1, true), 10, Interpolation.SPHERICAL);
            logPx = vae.importanceWeightedLogLikelihood(images, 100, 1);  // log p(x), k = 100
            vae.save(modelFile);                                  // config, weights, Adam state; atomic
        }
        try (Vae again = Vae.load(modelFile); Trainer trainer = new Trainer(again)) {
            trainer.fit(train, 1);                                // resumes exactly where it stopped
        // README:end
            return new Outcome(result, code, samples, path, logPx, again.epochsDone());
        }
    }
}
