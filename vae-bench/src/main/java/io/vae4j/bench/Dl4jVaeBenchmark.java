package io.vae4j.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.variational.BernoulliReconstructionDistribution;
import org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The peer row: DL4J's built-in VariationalAutoencoder layer (784-400-20, ReLU, Bernoulli, Adam 1e-3) trained
 * by layer-wise pretraining, on the same batches as {@link TrainingBenchmark}'s MLP.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Dl4jVaeBenchmark {
    @Param({"32", "128", "512", "2048"})
    public int batch;

    private MultiLayerNetwork net;
    private List<DataSet> batches;

    @Setup(Level.Trial)
    public void setUp() {
        BenchModels.checkBackend();
        net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT).list()
                .layer(0, new VariationalAutoencoder.Builder().nIn(784).nOut(20).encoderLayerSizes(400)
                        .decoderLayerSizes(400).activation(Activation.RELU)
                        .pzxActivationFunction(Activation.IDENTITY)
                        .reconstructionDistribution(new BernoulliReconstructionDistribution(Activation.SIGMOID))
                        .build())
                .build());
        net.init();
        batches = BenchModels.batches(batch, 11);
        net.pretrainLayer(0, new ListDataSetIterator<>(batches.subList(0, 1), 1));
        double score = net.score();
        if (!Double.isFinite(score)) {
            throw new IllegalStateException("DL4J VAE layer score is " + score);
        }
    }

    @Benchmark
    public double pretrainSteps() {
        net.pretrainLayer(0, new ListDataSetIterator<>(batches, 1));
        return net.score();
    }
}
