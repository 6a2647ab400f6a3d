package io.vae4j.mnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.MnistFiles;
import io.vae4j.mnist.data.MnistSplit;
import io.vae4j.mnist.edit.LatentArithmetic;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A conditional VAE trained with the defaults ({@code ./vae train --kind cvae}, 10 epochs) draws the digit it is
 * asked for: samples of each digit are read as that digit by an MLP classifier trained here on MNIST, independent of
 * the model, and each row of the style transfer (a test image's code decoded with the labels 0-9) shows ten
 * different digits. Tagged "mnist": {@code mvn -B verify -pl vae-mnist -am -Pmnist-tests}.
 */
@Tag("mnist")
class ConditionalSteeringTest {
    private static final int PER_DIGIT = 100;

    @TempDir
    Path dir;

    @Test
    void samplesAreTheDigitAskedFor() throws IOException {
        Path data = new DataOptions().dir();
        DataOptions.fetcher.ensure(data);
        MnistSplit train = MnistFiles.train(data);
        MnistSplit test = MnistFiles.test(data);
        MultiLayerNetwork classifier = classifier(train);
        int[] all = IntStream.range(0, test.count()).toArray();
        double accuracy = agreement(predict(classifier, test.features(all)), test.labelsOf(all));
        assertTrue(accuracy > 0.97, "the classifier reads " + accuracy + " of the real test digits right");

        List<String> flags = new ArrayList<>(List.of("train", "--kind", "cvae", "--out", dir.toString()));
        String extra = System.getProperty("vae.cvaeFlags", "").trim();
        if (!extra.isEmpty()) {
            flags.addAll(Arrays.asList(extra.split("\\s+")));
        }
        CliRunner.Run r = CliRunner.run(flags.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.err());
        try (Vae vae = Vae.load(dir.resolve("model.vae"))) {
            StringBuilder report = new StringBuilder("classifier accuracy on real test digits "
                    + String.format(Locale.ROOT, "%.4f", accuracy) + "; samples read as the digit asked for:");
            double worst = 1;
            for (int d = 0; d < 10; d++) {
                int[] asked = new int[PER_DIGIT];
                Arrays.fill(asked, d);
                double a = agreement(predict(classifier, vae.sample(PER_DIGIT, 100 + d, d)), asked);
                report.append(String.format(Locale.ROOT, " %d:%.2f", d, a));
                worst = Math.min(worst, a);
            }
            // the style transfer's rows: the first test image of each digit, its code decoded with every label
            int[] labels = test.labelsOf(all);
            int[] sources = IntStream.range(0, 10).map(d -> IntStream.range(0, labels.length)
                    .filter(i -> labels[i] == d).findFirst().orElseThrow()).toArray();
            INDArray codes = vae.encode(test.inputs(true, sources)).mu();
            int[] rows = IntStream.range(0, sources.length).toArray();
            int[] read = predict(classifier, LatentArithmetic.styleTransfer(vae, codes, rows));
            int distinctRows = 0;
            for (int s = 0; s < sources.length; s++) {
                int[] row = Arrays.copyOfRange(read, s * 10, s * 10 + 10);
                distinctRows += Arrays.stream(row).distinct().count() == 10 ? 1 : 0;
                report.append("\n style transfer of a ").append(labels[sources[s]]).append(": ")
                        .append(Arrays.toString(row));
            }
            System.out.println(report);
            assertTrue(worst >= 0.9, report.toString());
            assertEquals(sources.length, distinctRows, report.toString());
        }
    }

    /** An MLP 784-256-10 (DL4J, Adam, three epochs): about 98% on the test set, and nothing to do with the VAE. */
    private static MultiLayerNetwork classifier(MnistSplit train) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(1e-3)).list()
                .layer(new DenseLayer.Builder().nIn(train.imageSize()).nOut(256)
                        .activation(org.nd4j.linalg.activations.Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(256).nOut(10)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        int batch = 128;
        java.util.Random rnd = new java.util.Random(3);
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] order = IntStream.range(0, train.count()).toArray();
            for (int i = order.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int start = 0; start < order.length; start += batch) {
                int[] idx = Arrays.copyOfRange(order, start, Math.min(order.length, start + batch));
                INDArray y = Nd4j.zeros(DataType.FLOAT, idx.length, 10);
                int[] labels = train.labelsOf(idx);
                for (int i = 0; i < idx.length; i++) {
                    y.putScalar(i, labels[i], 1);
                }
                net.fit(new DataSet(train.features(idx), y));
            }
        }
        return net;
    }

    private static int[] predict(MultiLayerNetwork net, INDArray images) {
        INDArray p = net.output(images.castTo(DataType.FLOAT));
        return p.argMax(1).toIntVector();
    }

    private static double agreement(int[] predicted, int[] truth) {
        int same = 0;
        for (int i = 0; i < truth.length; i++) {
            same += predicted[i] == truth[i] ? 1 : 0;
        }
        return (double) same / truth.length;
    }
}
