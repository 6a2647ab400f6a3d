package io.vae4j.mnist.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vae4j.core.config.Architecture;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.graph.Layout;
import io.vae4j.core.graph.VaeNames;
import io.vae4j.core.model.Vae;
import io.vae4j.mnist.data.MnistSplit;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The interactive latent explorer of {@code report.html}: the model's encoder and decoder weights (base64 float32)
 * and a slice of the test set (bytes), with the page's own JavaScript forward pass ({@code explorer.js}), which
 * decodes a code the user picks, encodes a digit the user draws, and places its -ELBO among the test set's.
 *
 * <p>The page carries everything it needs and loads nothing: it works from {@code file://} on an offline machine.
 * The script runs dense layers only, so a convolutional model gets a section that says so instead of weights.
 */
public final class ReportExplorer {
    /** Test images the page encodes for the scatter of codes and the histogram of -ELBO. */
    static final int TEST_IMAGES = 1000;
    /** The element holding the model, read by the script. */
    static final String DATA_ID = "vae-explorer-data";

    private final String json;
    private final String unsupported;

    private ReportExplorer(String json, String unsupported) {
        this.json = json;
        this.unsupported = unsupported;
    }

    /**
     * The explorer of a model, with the first {@value #TEST_IMAGES} images of {@code test} (the images the model is
     * tested on, binarized if its run binarizes).
     */
    public static ReportExplorer of(Vae vae, MnistSplit test) {
        VaeConfig c = vae.config();
        if (c.architecture() != Architecture.MLP) {
            return new ReportExplorer(null, "The interactive explorer runs MLP models in the browser; this model is "
                    + "convolutional (--arch conv), so this page shows its pictures only. Train with --arch mlp to "
                    + "explore the latent space here.");
        }
        if (c.channels() != 1 || c.height() != test.rows() || c.width() != test.cols()) {
            return new ReportExplorer(null, "The explorer needs one-channel images of the test set's size ("
                    + test.rows() + "x" + test.cols() + "); this model reads " + c.channels() + "x" + c.height() + "x"
                    + c.width() + ".");
        }
        // read at once, and each layer's values are copied out below: views of the live buffer suffice
        Map<String, INDArray> params = vae.modelGraph().viewsOf(vae.modelGraph().parameters());
        Layout layout = Layout.of(c);
        ObjectNode root = RunFiles.JSON.createObjectNode();
        root.put("kind", c.kind().name());
        root.put("variational", c.variational());
        root.put("conditional", c.conditional());
        root.put("classes", c.classes());
        root.put("latent", c.latentSize());
        root.put("rows", c.height());
        root.put("cols", c.width());
        root.put("likelihood", c.likelihood().name());
        root.put("gaussianVariance", c.gaussianVariance());
        root.put("epoch", vae.epochsDone());
        ArrayNode encoder = root.putArray("encoder");
        layout.encoder().forEach(l -> encoder.add(layer(l, params)));
        root.set("mu", layer(layout.mu(), params));
        if (layout.logVar() != null) {
            root.set("logVar", layer(layout.logVar(), params));
        }
        ArrayNode decoder = root.putArray("decoder");
        layout.decoder().forEach(l -> decoder.add(layer(l, params)));
        int n = Math.min(TEST_IMAGES, test.count());
        ObjectNode t = root.putObject("test");
        t.put("count", n);
        t.put("pixels", Base64.getEncoder().encodeToString(Arrays.copyOf(test.pixels(), n * test.imageSize())));
        ArrayNode labels = t.putArray("labels");
        for (int i = 0; i < n; i++) {
            labels.add(test.label(i));
        }
        try {
            return new ReportExplorer(RunFiles.JSON.writeValueAsString(root), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A dense layer: sizes, activation, and weights [in, out] row-major and bias as little-endian float32. */
    private static ObjectNode layer(Layout.Layer l, Map<String, INDArray> params) {
        if (l.kind() != Layout.Kind.DENSE) {
            throw new IllegalArgumentException("the explorer runs dense layers only, not " + l.name());
        }
        ObjectNode o = RunFiles.JSON.createObjectNode();
        o.put("name", l.name());
        o.put("in", l.in());
        o.put("out", l.out());
        o.put("activation", l.activation() == null ? null : l.activation().name());
        o.put("w", float32(params.get(VaeNames.weight(l.name())), l.in() * l.out()));
        o.put("b", float32(params.get(VaeNames.bias(l.name())), l.out()));
        return o;
    }

    private static String float32(INDArray a, long length) {
        if (a == null || a.length() != length) {
            throw new IllegalStateException("a layer's parameter is missing or has the wrong size");
        }
        float[] values = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(length) * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < length; i++) {
            b.putFloat(values[i]);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    /** The explorer's section of the page: controls, the model as JSON, and the script. */
    void appendTo(StringBuilder h) {
        h.append("<h2 id=\"explorer\">Latent explorer</h2>\n");
        if (unsupported != null) {
            h.append("<p class=\"note\" id=\"explorer-unsupported\">").append(io.vae4j.mnist.viz.Html.esc(unsupported))
                    .append("</p>\n");
            return;
        }
        h.append("<noscript><p class=\"note\">The latent explorer needs JavaScript; the pictures and tables on "
                + "this page do not.</p></noscript>\n");
        h.append(resource("explorer.html"));
        h.append("<script type=\"application/json\" id=\"").append(DATA_ID).append("\">").append(json)
                .append("</script>\n<script>\n").append(resource("explorer.js")).append("</script>\n");
    }

    /** A text file shipped next to this class in the application's jar. */
    static String resource(String name) {
        try (InputStream in = ReportExplorer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the application's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
