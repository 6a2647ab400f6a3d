package io.vae4j.core.graph;

import io.vae4j.core.config.Activation;
import io.vae4j.core.config.Architecture;
import io.vae4j.core.config.VaeConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The layers of a configuration's encoder and decoder, in order, with their names, sizes and activations: the one
 * description of the architecture that the SameDiff graph ({@link VaeGraph}) and the DL4J export both read.
 *
 * <p>Conv layers use {@value #KERNEL}x{@value #KERNEL} kernels, stride {@value #STRIDE} and padding {@value #PADDING},
 * so each halves the image's side. A conditional conv encoder's label joins the flattened output of the conv layers;
 * a conditional MLP encoder reads pixels and label as one input.
 *
 * @param encoder         the encoder's trunk: conv layers, then dense layers
 * @param mu              the head of the posterior means
 * @param logVar          the head of the posterior log-variances; null for an autoencoder
 * @param decoder         the decoder from z (with a conditional model's label) to the output layer, whose
 *                        activation is null: it yields the likelihood's logits or means
 * @param convOutputWidth the flattened width of the encoder's conv output, label excluded; 0 for an MLP
 */
public record Layout(List<Layer> encoder, Layer mu, Layer logVar, List<Layer> decoder, long convOutputWidth) {
    public static final int KERNEL = 4;
    public static final int STRIDE = 2;
    public static final int PADDING = 1;

    /** What a layer computes. */
    public enum Kind {
        /** x W + b, W [in, out]. */
        DENSE,
        /** A 2-D convolution of {@code in} to {@code out} channels, weights [kH, kW, in, out]. */
        CONV,
        /** A 2-D transposed convolution of {@code in} to {@code out} channels, weights [kH, kW, out, in]. */
        DECONV
    }

    /**
     * One layer.
     *
     * @param name       its name in the graph, and the stem of its parameters' names ({@link VaeNames#weight},
     *                   {@link VaeNames#bias})
     * @param kind       what it computes
     * @param in         input width (dense) or channels (conv, deconv)
     * @param out        output width or channels
     * @param activation the activation after it, or null for none
     * @param side       conv and deconv: the side of the input image; 0 for dense layers
     */
    public record Layer(String name, Kind kind, long in, long out, Activation activation, int side) {
        /** The fan-in that scales the layer's initial weights (PyTorch's {@code nn.Linear} and {@code nn.Conv2d}). */
        public long fanIn() {
            return kind == Kind.DENSE ? in : in * KERNEL * KERNEL;
        }
    }

    /** The layout a configuration builds. */
    public static Layout of(VaeConfig c) {
        List<Layer> encoder = new ArrayList<>();
        long width = c.featureSize();
        long convWidth = 0;
        if (c.architecture() == Architecture.CONV) {
            long in = c.channels();
            int side = c.height();
            for (int i = 0; i < c.convChannels().size(); i++) {
                long out = c.convChannels().get(i);
                encoder.add(new Layer(VaeNames.ENC_CONV + i, Kind.CONV, in, out, c.activation(), side));
                in = out;
                side /= STRIDE;
            }
            int cells = 1 << c.convChannels().size();
            convWidth = in * (c.height() / cells) * (c.width() / cells);
            width = convWidth + c.classes();
        }
        for (int i = 0; i < c.encoderHidden().size(); i++) {
            long out = c.encoderHidden().get(i);
            encoder.add(new Layer(VaeNames.ENC_DENSE + i, Kind.DENSE, width, out, c.activation(), 0));
            width = out;
        }
        Layer mu = new Layer(VaeNames.ENC_MU, Kind.DENSE, width, c.latentSize(), null, 0);
        Layer logVar = c.variational() ? new Layer(VaeNames.ENC_LOGVAR, Kind.DENSE, width, c.latentSize(), null, 0)
                : null;

        List<Layer> decoder = new ArrayList<>();
        width = c.decoderInputSize();
        for (int i = 0; i < c.decoderHidden().size(); i++) {
            long out = c.decoderHidden().get(i);
            decoder.add(new Layer(VaeNames.DEC_DENSE + i, Kind.DENSE, width, out, c.activation(), 0));
            width = out;
        }
        if (c.architecture() == Architecture.MLP) {
            decoder.add(new Layer(VaeNames.DEC_OUT, Kind.DENSE, width, c.inputSize(), null, 0));
        } else {
            List<Integer> channels = c.convChannels();
            int n = channels.size();
            int side = c.height() >> n;
            long ch = channels.get(n - 1);
            decoder.add(new Layer(VaeNames.DEC_PROJ, Kind.DENSE, width, ch * side * (c.width() >> n), c.activation(),
                    0));
            for (int i = n - 1; i >= 0; i--) {
                long out = i == 0 ? c.channels() : channels.get(i - 1);
                decoder.add(new Layer(VaeNames.DEC_DECONV + (n - 1 - i), Kind.DECONV, ch, out,
                        i == 0 ? null : c.activation(), side));
                ch = out;
                side *= STRIDE;
            }
        }
        return new Layout(List.copyOf(encoder), mu, logVar, List.copyOf(decoder), convWidth);
    }

    /** Whether the decoder ends in transposed convolutions (the conv architecture). */
    public boolean convDecoder() {
        return decoder.get(decoder.size() - 1).kind() == Kind.DECONV;
    }
}
