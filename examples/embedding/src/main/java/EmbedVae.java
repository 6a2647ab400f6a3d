import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Embeds a VAE exported by `./vae export`: loads encoder.zip and decoder.zip with ModelSerializer alone (no class
 * of the vae4j project is needed), encodes one MNIST test image, decodes its mean code and prints the
 * reconstruction error.
 *
 * Usage: mvn package, then java -jar target/embedding.jar encoder.zip decoder.zip IMAGES_IDX [INDEX]
 */
public class EmbedVae {
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: EmbedVae encoder.zip decoder.zip t10k-images-idx3-ubyte[.gz] [index]");
            System.exit(2);
        }
        ComputationGraph encoder = ModelSerializer.restoreComputationGraph(new File(args[0]));
        MultiLayerNetwork decoder = ModelSerializer.restoreMultiLayerNetwork(new File(args[1]));
        int index = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        float[] pixels = readImage(Path.of(args[2]), index);

        INDArray x = Nd4j.create(pixels, new long[] {1, pixels.length});
        INDArray[] code = encoder.output(x);                 // code[0] = mu, code[1] = log sigma^2
        INDArray mu = code[0];
        INDArray mean = decoder.output(mu);                  // pixel probabilities (Bernoulli likelihood)

        double bce = 0;
        double sq = 0;
        for (int j = 0; j < pixels.length; j++) {
            double p = Math.min(Math.max(mean.getDouble(0, j), 1e-7), 1 - 1e-7);
            bce -= pixels[j] * Math.log(p) + (1 - pixels[j]) * Math.log(1 - p);
            sq += (pixels[j] - mean.getDouble(0, j)) * (pixels[j] - mean.getDouble(0, j));
        }
        System.out.println("image " + index + ": mu = " + mu);
        System.out.printf(java.util.Locale.ROOT, "reconstruction error: %.6f nats (binary cross-entropy), "
                + "%.6f (mean squared error)%n", bce, sq / pixels.length);
    }

    /** Image `index` of an IDX file of unsigned bytes (plain or gzipped), scaled to [0, 1]. */
    static float[] readImage(Path file, int index) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try (DataInputStream in = new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw)) {
            if (in.readInt() != 0x00000803) {
                throw new IOException(file + " is not an IDX image file");
            }
            int count = in.readInt();
            int size = in.readInt() * in.readInt();
            if (index < 0 || index >= count) {
                throw new IOException("index " + index + " is outside the " + count + " images of " + file);
            }
            in.skipNBytes((long) index * size);
            byte[] b = new byte[size];
            in.readFully(b);
            float[] out = new float[size];
            for (int i = 0; i < size; i++) {
                out[i] = (b[i] & 0xff) / 255f;
            }
            return out;
        }
    }
}
