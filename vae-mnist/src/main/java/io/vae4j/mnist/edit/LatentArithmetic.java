package io.vae4j.mnist.edit;

import io.vae4j.core.model.Vae;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Latent arithmetic on digit images: attribute directions and the digit analogy.
 *
 * <p>An attribute's direction is the mean posterior code of the images in the top quarter of the attribute minus
 * that of the bottom quarter, measured on one set of images (the "direction" images). It is applied to the codes of
 * other images (the "edited" images): each is decoded at z - s v, z and z + s v, and the attribute is measured again
 * on the decoded images, so the edit's effect is a number, not only a picture.
 */
public final class LatentArithmetic {
    private LatentArithmetic() {
    }

    /**
     * One attribute's edit.
     *
     * @param attribute       the attribute
     * @param before          its mean over the edited images' reconstructions (decoded at z)
     * @param afterMinus      its mean over the images decoded at z - scale v
     * @param afterPlus       its mean over the images decoded at z + scale v
     * @param scale           s
     * @param images          number of edited images
     * @param directionImages number of images the direction was estimated from
     * @param direction       v
     * @param minus           the first {@code shown} images decoded at z - s v, [shown, pixels]
     * @param original        the same decoded at z
     * @param plus            the same decoded at z + s v
     */
    public record Edit(Attribute attribute, double before, double afterMinus, double afterPlus, double scale,
                       int images, int directionImages, INDArray direction, INDArray minus, INDArray original,
                       INDArray plus) {
        /** Whether the edit moved the attribute the intended way in both directions. */
        public boolean asIntended() {
            return afterMinus < before && before < afterPlus;
        }
    }

    /**
     * The direction of an attribute in latent space.
     *
     * @param codes  posterior means of the direction images, [n, latent]
     * @param values the attribute of each of those images
     */
    public static INDArray direction(INDArray codes, double[] values) {
        int n = values.length;
        int quarter = n / 4;
        if (quarter < 1) {
            throw new IllegalArgumentException("need at least 4 images to find a direction, got " + n);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        int[] bottom = new int[quarter];
        int[] top = new int[quarter];
        for (int i = 0; i < quarter; i++) {
            bottom[i] = order[i];
            top[i] = order[n - 1 - i];
        }
        return meanRow(codes, top).subi(meanRow(codes, bottom));
    }

    /**
     * Finds the attribute's direction on the direction images and applies it to the edited ones.
     *
     * @param dirImages  direction images, [n, rows*cols] in [0, 1]
     * @param dirCodes   their posterior means, [n, latent]
     * @param z          the edited images' posterior means, [m, latent]
     * @param editLabels the edited images' digits (used by a conditional model only)
     * @param shown      how many edited images the pictures keep
     */
    public static Edit edit(Vae vae, Attribute attribute, INDArray dirImages, INDArray dirCodes, INDArray z,
                            int[] editLabels, int rows, int cols, double scale, int shown) {
        double[] values = attribute.measureAll(floats(dirImages), (int) dirImages.size(0), rows, cols);
        INDArray v = direction(dirCodes, values);
        INDArray step = v.mul(scale);
        INDArray original = decode(vae, z, editLabels);
        INDArray minus = decode(vae, z.subRowVector(step), editLabels);
        INDArray plus = decode(vae, z.addRowVector(step), editLabels);
        int m = (int) z.size(0);
        int k = Math.min(shown, m);
        return new Edit(attribute, mean(attribute, original, m, rows, cols), mean(attribute, minus, m, rows, cols),
                mean(attribute, plus, m, rows, cols), scale, m, values.length, v, first(minus, k), first(original, k),
                first(plus, k));
    }

    /** A model's inputs for images: with their labels appended for a conditional model. */
    public static INDArray inputs(Vae vae, INDArray images, int[] labels) {
        return vae.config().conditional() ? vae.withLabelsIn(images, labels) : images;
    }

    /** Decodes codes z, with the given labels for a conditional model. */
    public static INDArray decode(Vae vae, INDArray z, int[] labels) {
        return vae.decode(vae.config().conditional() ? vae.withLabels(z, labels) : z);
    }

    /**
     * A conditional model's style transfer: each source image's code decoded with every label, [sources * classes,
     * pixels]. The label carries the digit, so the code itself is the style.
     */
    public static INDArray styleTransfer(Vae vae, INDArray codes, int[] sources) {
        int classes = vae.config().classes();
        INDArray z = Nd4j.create(codes.dataType(), (long) sources.length * classes, codes.size(1));
        int[] labels = new int[sources.length * classes];
        for (int s = 0; s < sources.length; s++) {
            for (int d = 0; d < classes; d++) {
                z.getRow((long) s * classes + d).assign(codes.getRow(sources[s]));
                labels[s * classes + d] = d;
            }
        }
        return decode(vae, z, labels);
    }

    /**
     * The digit analogy: each given image's "style", its code minus the mean code of its digit, added to the mean
     * code of every digit and decoded ("this handwriting, another digit"). For a conditional model, its
     * {@link #styleTransfer}.
     *
     * @param codes   posterior means of the images the digits' mean codes are taken over, [n, latent]
     * @param labels  their digits
     * @param sources indices (into codes) of the images whose style is carried over
     * @return [sources.length * 10, pixels]: for each source, the ten digits in its style
     */
    public static INDArray analogy(Vae vae, INDArray codes, int[] labels, int[] sources) {
        if (vae.config().conditional()) {
            return styleTransfer(vae, codes, sources);
        }
        INDArray means = digitMeans(codes, labels);
        int latent = (int) codes.size(1);
        INDArray z = Nd4j.create(codes.dataType(), (long) sources.length * 10, latent);
        for (int s = 0; s < sources.length; s++) {
            INDArray style = codes.getRow(sources[s]).sub(means.getRow(labels[sources[s]]));
            for (int d = 0; d < 10; d++) {
                z.getRow(s * 10L + d).assign(means.getRow(d).add(style));
            }
        }
        return vae.decode(z);
    }

    /** The mean code of each digit 0-9, [10, latent]; a digit without images gets the mean of all. */
    public static INDArray digitMeans(INDArray codes, int[] labels) {
        INDArray means = Nd4j.create(codes.dataType(), 10, codes.size(1));
        for (int d = 0; d < 10; d++) {
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == d) {
                    rows.add(i);
                }
            }
            int[] idx = rows.isEmpty() ? allRows(labels.length) : rows.stream().mapToInt(Integer::intValue).toArray();
            means.getRow(d).assign(meanRow(codes, idx));
        }
        return means;
    }

    private static int[] allRows(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static INDArray meanRow(INDArray codes, int[] rows) {
        return codes.getRows(rows).mean(0);
    }

    private static double mean(Attribute a, INDArray images, int n, int rows, int cols) {
        return Arrays.stream(a.measureAll(floats(images), n, rows, cols)).average().orElse(Double.NaN);
    }

    private static INDArray first(INDArray a, int k) {
        return a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, k),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
    }

    static float[] floats(INDArray images) {
        return images.castTo(DataType.FLOAT).dup('c').reshape(-1).toFloatVector();
    }
}
