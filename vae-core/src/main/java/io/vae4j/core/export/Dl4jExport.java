package io.vae4j.core.export;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vae4j.core.config.Architecture;
import io.vae4j.core.config.Likelihood;
import io.vae4j.core.config.ModelKind;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.io.AtomicFiles;
import io.vae4j.core.io.ModelFileException;
import io.vae4j.core.graph.Layout;
import io.vae4j.core.graph.VaeNames;
import io.vae4j.core.model.Vae;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.variational.BernoulliReconstructionDistribution;
import org.deeplearning4j.nn.conf.layers.variational.GaussianReconstructionDistribution;
import org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds standard DL4J networks with the weights of a trained {@link Vae} and writes them with
 * {@link ModelSerializer}:
 * <ul>
 *   <li>{@value #ENCODER_FILE}: a ComputationGraph from the flattened image (input "x") to outputs "mu" and
 *       "logvar" (only "mu" for an autoencoder);</li>
 *   <li>{@value #DECODER_FILE}: a MultiLayerNetwork from z to pixel means, probabilities for the Bernoulli
 *       likelihood;</li>
 *   <li>{@value #DL4J_VAE_FILE} (MLP models with equal encoder and decoder depth only): a MultiLayerNetwork of one
 *       DL4J {@code VariationalAutoencoder} layer, for DL4J's own VAE API (reconstruction probability,
 *       generateAtMeanGivenZ).</li>
 * </ul>
 * Only stock layers and preprocessors are used, so the files load where only deeplearning4j-nn and a backend are
 * on the class path.
 */
public final class Dl4jExport {
    public static final String ENCODER_FILE = "encoder.zip";
    public static final String DECODER_FILE = "decoder.zip";
    public static final String DL4J_VAE_FILE = "dl4j-vae.zip";
    public static final String METADATA_ENTRY = "vae4j-export.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Dl4jExport() {
    }

    /**
     * Writes the encoder and decoder (and, where the architecture allows, the DL4J VAE layer) into {@code dir},
     * each atomically. A {@value #DL4J_VAE_FILE} left in {@code dir} by an earlier export is removed when this model
     * has none, so the directory always holds one model's set.
     *
     * @return the files written
     */
    public static List<Path> write(Vae vae, Path dir, double testNegElbo) throws IOException {
        VaeConfig c = vae.config();
        if (c.conditional() && c.architecture() == Architecture.CONV) {
            throw new IllegalArgumentException("a conditional conv model cannot be exported as stock DL4J networks: "
                    + "its label joins the encoder after the conv layers, which a feed-forward input cannot carry "
                    + "(export a conditional MLP model, or an unconditional conv model)");
        }
        Files.createDirectories(dir);
        String version = io.vae4j.core.io.ProjectVersion.get();
        List<Integer> shape = List.of(c.channels(), c.height(), c.width());
        java.util.ArrayList<Path> written = new java.util.ArrayList<>();
        Path enc = dir.resolve(ENCODER_FILE);
        writeZip(encoder(vae), enc, new ExportMetadata(ExportMetadata.ENCODER, c.latentSize(), c.likelihood().name(),
                shape, c.kind().name(), c.architecture().name(), vae.epochsDone(), testNegElbo, version, c.classes(),
                extraInput(c, ExportMetadata.ENCODER)));
        written.add(enc);
        Path dec = dir.resolve(DECODER_FILE);
        writeZip(decoder(vae), dec, new ExportMetadata(ExportMetadata.DECODER, c.latentSize(), c.likelihood().name(),
                shape, c.kind().name(), c.architecture().name(), vae.epochsDone(), testNegElbo, version, c.classes(),
                extraInput(c, ExportMetadata.DECODER)));
        written.add(dec);
        if (supportsDl4jVae(c)) {
            Path v = dir.resolve(DL4J_VAE_FILE);
            writeZip(dl4jVae(vae), v, new ExportMetadata(ExportMetadata.DL4J_VAE, c.latentSize(),
                    c.likelihood().name(), shape, c.kind().name(), c.architecture().name(), vae.epochsDone(),
                    testNegElbo, version, c.classes(), null));
            written.add(v);
        } else {
            Files.deleteIfExists(dir.resolve(DL4J_VAE_FILE));
        }
        return written;
    }

    /** For a conditional model's metadata: what the networks' extra input is. */
    private static String extraInput(VaeConfig c, String role) {
        if (!c.conditional()) {
            return null;
        }
        return ExportMetadata.ENCODER.equals(role)
                ? "the one-hot label (" + c.classes() + " values) after the " + c.inputSize() + " pixels: input width "
                        + c.featureSize()
                : "the one-hot label (" + c.classes() + " values) after z (" + c.latentSize() + " values): input "
                        + "width " + c.decoderInputSize();
    }

    /** Whether {@link #dl4jVae} can represent the model: a VAE with an MLP encoder and decoder. */
    public static boolean supportsDl4jVae(VaeConfig c) {
        return c.kind() == ModelKind.VAE && c.architecture() == Architecture.MLP && !c.encoderHidden().isEmpty()
                && !c.decoderHidden().isEmpty();
    }

    /**
     * The encoder as a ComputationGraph: input "x" [n, featureSize] (the pixels, then a conditional model's one-hot
     * label), outputs "mu" and "logvar" [n, latentSize]. Its layers are the model's {@link Layout}'s, by the same
     * names.
     */
    public static ComputationGraph encoder(Vae vae) {
        VaeConfig c = vae.config();
        Layout layout = Layout.of(c);
        ComputationGraphConfiguration.GraphBuilder g = base(c).graphBuilder().addInputs("x");
        String last = "x";
        for (Layout.Layer layer : layout.encoder()) {
            g.addLayer(layer.name(), layer(layer), last);
            last = layer.name();
        }
        g.addLayer(VaeNames.MU, layer(layout.mu()), last);
        if (layout.logVar() != null) {
            g.addLayer(VaeNames.LOGVAR, layer(layout.logVar()), last);
            g.setOutputs(VaeNames.MU, VaeNames.LOGVAR);
        } else {
            g.setOutputs(VaeNames.MU);
        }
        g.setInputTypes(c.architecture() == Architecture.CONV
                ? InputType.convolutionalFlat(c.height(), c.width(), c.channels())
                : InputType.feedForward(c.featureSize()));
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        SameDiff sd = vae.graph();
        for (Layout.Layer layer : layout.encoder()) {
            copy(sd, layer, net.getLayer(layer.name()));
        }
        copy(sd, layout.mu(), net.getLayer(VaeNames.MU));
        if (layout.logVar() != null) {
            copy(sd, layout.logVar(), net.getLayer(VaeNames.LOGVAR));
        }
        return net;
    }

    /**
     * The decoder as a MultiLayerNetwork: z [n, latentSize] (followed by a conditional model's one-hot label) to pixel
     * means [n, inputSize]. Its layers are the model's {@link Layout}'s decoder, in order.
     */
    public static MultiLayerNetwork decoder(Vae vae) {
        VaeConfig c = vae.config();
        Layout layout = Layout.of(c);
        Activation out = c.likelihood() == Likelihood.BERNOULLI ? Activation.SIGMOID : Activation.IDENTITY;
        NeuralNetConfiguration.ListBuilder b = base(c).list();
        int index = 0;
        for (Layout.Layer layer : layout.decoder()) {
            boolean last = layer == layout.decoder().get(layout.decoder().size() - 1);
            if (layer.kind() == Layout.Kind.DECONV && index > 0
                    && layout.decoder().get(index - 1).kind() == Layout.Kind.DENSE) {
                b.inputPreProcessor(index, new FeedForwardToCnnPreProcessor(layer.side(),
                        c.width() * layer.side() / c.height(), layer.in()));
            }
            // the MLP's output layer takes the likelihood's mean function as its activation
            b.layer(index++, last && layer.kind() == Layout.Kind.DENSE ? dense(layer, out) : layer(layer));
        }
        if (layout.convDecoder()) {
            b.inputPreProcessor(index, new CnnToFeedForwardPreProcessor(c.height(), c.width(), c.channels()));
            b.layer(index, new ActivationLayer.Builder().activation(out).build());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        SameDiff sd = vae.graph();
        for (int i = 0; i < layout.decoder().size(); i++) {
            copy(sd, layout.decoder().get(i), net.getLayer(i));
        }
        return net;
    }

    /** A DL4J layer computing what a layout layer computes. */
    private static org.deeplearning4j.nn.conf.layers.Layer layer(Layout.Layer layer) {
        Activation act = activation(layer.activation());
        return switch (layer.kind()) {
            case DENSE -> dense(layer, act);
            case CONV -> new ConvolutionLayer.Builder().nIn(layer.in()).nOut(layer.out())
                    .kernelSize(Layout.KERNEL, Layout.KERNEL).stride(Layout.STRIDE, Layout.STRIDE)
                    .padding(Layout.PADDING, Layout.PADDING).convolutionMode(ConvolutionMode.Truncate)
                    .activation(act).build();
            case DECONV -> new Deconvolution2D.Builder().nIn(layer.in()).nOut(layer.out())
                    .kernelSize(Layout.KERNEL, Layout.KERNEL).stride(Layout.STRIDE, Layout.STRIDE)
                    .padding(Layout.PADDING, Layout.PADDING).convolutionMode(ConvolutionMode.Truncate)
                    .activation(act).build();
        };
    }

    private static DenseLayer dense(Layout.Layer layer, Activation activation) {
        return new DenseLayer.Builder().nIn(layer.in()).nOut(layer.out()).activation(activation).build();
    }

    /**
     * The model as one DL4J {@link VariationalAutoencoder} layer (see {@link #supportsDl4jVae}). For the Gaussian
     * likelihood, DL4J's distribution predicts a log-variance per pixel; it is set to the fixed log-variance.
     */
    public static MultiLayerNetwork dl4jVae(Vae vae) {
        VaeConfig c = vae.config();
        if (!supportsDl4jVae(c)) {
            throw new IllegalArgumentException("DL4J's VariationalAutoencoder layer holds MLP VAEs only; this model is "
                    + c.kind() + " " + c.architecture());
        }
        Layout layout = Layout.of(c);
        SameDiff sd = vae.graph();
        boolean bernoulli = c.likelihood() == Likelihood.BERNOULLI;
        VariationalAutoencoder layer = new VariationalAutoencoder.Builder()
                .nIn(c.inputSize()).nOut(c.latentSize())
                .encoderLayerSizes(c.encoderHidden().stream().mapToInt(Integer::intValue).toArray())
                .decoderLayerSizes(c.decoderHidden().stream().mapToInt(Integer::intValue).toArray())
                .activation(activation(c.activation()))
                .pzxActivationFunction(Activation.IDENTITY)
                .reconstructionDistribution(bernoulli ? new BernoulliReconstructionDistribution(Activation.SIGMOID)
                        : new GaussianReconstructionDistribution(Activation.IDENTITY))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(base(c).list().layer(0, layer).build());
        net.init();
        org.deeplearning4j.nn.api.Layer l = net.getLayer(0);
        // DL4J's VAE layer names its parameters by position: e0W, e0b, ... for the encoder, d0W, ... the decoder
        for (int i = 0; i < layout.encoder().size(); i++) {
            String name = layout.encoder().get(i).name();
            l.setParam("e" + i + "W", param(sd, VaeNames.weight(name)));
            l.setParam("e" + i + "b", param(sd, VaeNames.bias(name)));
        }
        l.setParam("pZXMeanW", param(sd, VaeNames.weight(layout.mu().name())));
        l.setParam("pZXMeanb", param(sd, VaeNames.bias(layout.mu().name())));
        l.setParam("pZXLogStd2W", param(sd, VaeNames.weight(layout.logVar().name())));
        l.setParam("pZXLogStd2b", param(sd, VaeNames.bias(layout.logVar().name())));
        List<Layout.Layer> decoder = layout.decoder();
        for (int i = 0; i < decoder.size() - 1; i++) {
            l.setParam("d" + i + "W", param(sd, VaeNames.weight(decoder.get(i).name())));
            l.setParam("d" + i + "b", param(sd, VaeNames.bias(decoder.get(i).name())));
        }
        String output = decoder.get(decoder.size() - 1).name();
        INDArray w = param(sd, VaeNames.weight(output));
        INDArray bias = param(sd, VaeNames.bias(output));
        if (bernoulli) {
            l.setParam("pXZW", w);
            l.setParam("pXZb", bias);
        } else {
            // DL4J's Gaussian distribution: the first half of the outputs are the means, the second the log-variances
            l.setParam("pXZW", Nd4j.hstack(w, Nd4j.zeros(w.dataType(), w.size(0), w.size(1))));
            l.setParam("pXZb", Nd4j.concat(0, bias, Nd4j.valueArrayOf(new long[] {bias.length()},
                    Math.log(c.gaussianVariance()), bias.dataType())));
        }
        return net;
    }

    /** Reads the metadata entry of an exported zip; the message names the file if it is not one. */
    public static ExportMetadata readMetadata(Path zip) throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new ModelFileException(zip, "no such exported model file; write one with Dl4jExport.write first");
        }
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry e = z.getEntry(METADATA_ENTRY);
            if (e == null) {
                throw new ModelFileException(zip, "not exported by vae4j: the zip has no " + METADATA_ENTRY);
            }
            try (InputStream in = z.getInputStream(e)) {
                return JSON.readValue(in, ExportMetadata.class);
            }
        } catch (ZipException e) {
            throw new ModelFileException(zip, "not a readable zip (corrupt or truncated): " + e.getMessage(), e);
        }
    }

    /**
     * Restores an exported encoder with ModelSerializer, after checking that the file is one: a missing, corrupt or
     * truncated file, or a zip holding another kind of network, fails with a message naming the file.
     */
    public static ComputationGraph restoreEncoder(Path zip) throws IOException {
        expectRole(zip, ExportMetadata.ENCODER);
        try {
            return ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new ModelFileException(zip, "could not be restored as a ComputationGraph: " + e.getMessage(), e);
        }
    }

    /** As {@link #restoreEncoder}, for the decoder (a MultiLayerNetwork). */
    public static MultiLayerNetwork restoreDecoder(Path zip) throws IOException {
        expectRole(zip, ExportMetadata.DECODER);
        try {
            return ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new ModelFileException(zip, "could not be restored as a MultiLayerNetwork: " + e.getMessage(), e);
        }
    }

    private static void expectRole(Path zip, String role) throws IOException {
        ExportMetadata meta = readMetadata(zip);
        if (!role.equals(meta.role())) {
            throw new ModelFileException(zip, "holds the " + meta.role() + ", not the " + role + "; use the "
                    + role + ".zip written by the same export");
        }
    }

    private static NeuralNetConfiguration.Builder base(VaeConfig c) {
        return new NeuralNetConfiguration.Builder().seed(c.seed()).weightInit(WeightInit.XAVIER)
                .dataType(DataType.FLOAT);
    }

    /** DL4J's activation for a layer's (null: none). */
    private static Activation activation(io.vae4j.core.config.Activation a) {
        if (a == null) {
            return Activation.IDENTITY;
        }
        return switch (a) {
            case RELU -> Activation.RELU;
            case LEAKY_RELU -> Activation.LEAKYRELU;
            case ELU -> Activation.ELU;
            case TANH -> Activation.TANH;
            case SIGMOID -> Activation.SIGMOID;
            case SOFTPLUS -> Activation.SOFTPLUS;
        };
    }

    private static INDArray param(SameDiff sd, String name) {
        return sd.getVariable(name).getArr().castTo(DataType.FLOAT).dup();
    }

    /** A layer's weights and bias into the DL4J layer; conv and deconv weights from [kH, kW, a, b] to [b, a, kH, kW]. */
    private static void copy(SameDiff sd, Layout.Layer layer, org.deeplearning4j.nn.api.Layer target) {
        INDArray w = param(sd, VaeNames.weight(layer.name()));
        target.setParam("W", layer.kind() == Layout.Kind.DENSE ? w : w.permute(3, 2, 0, 1).dup('c'));
        target.setParam("b", param(sd, VaeNames.bias(layer.name())));
    }

    /** ModelSerializer's zip with the metadata entry added, written atomically. */
    private static void writeZip(Model net, Path file, ExportMetadata meta) throws IOException {
        ByteArrayOutputStream serialized = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, serialized, false);
        byte[] metaBytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta);
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(serialized.toByteArray()))) {
                ZipEntry e;
                while ((e = in.getNextEntry()) != null) {
                    zip.putNextEntry(new ZipEntry(e.getName()));
                    in.transferTo(zip);
                    zip.closeEntry();
                }
            }
            zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
            zip.write(metaBytes);
            zip.closeEntry();
            zip.finish();
        });
    }
}
