package io.vae4j.mnist.edit;

import io.vae4j.core.config.Corruption;
import io.vae4j.core.model.Vae;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Denoising measured: corrupt clean images with a fixed seed, reconstruct them through the model (the decoded
 * posterior mean of the corrupted image), and compare, in PSNR against the clean image, with the corrupted input
 * itself and with the classic baseline, a 3x3 median filter of the corrupted image.
 */
public final class Denoising {
    /** Images per block pushed through the model at once. */
    private static final int BLOCK = 1000;
    /** PSNR of an exact copy would be infinite; a mean squared error floor of 1e-10 caps it at 100 dB. */
    private static final double MSE_FLOOR = 1e-10;

    private Denoising() {
    }

    /**
     * The figures of one denoising run, each the mean over the images of the per-image PSNR in dB (peak 1).
     *
     * @param psnrCorrupted the corrupted images against the clean ones
     * @param psnrDenoised  the model's reconstructions of the corrupted images against the clean ones
     * @param psnrMedian3   the 3x3 median filter of the corrupted images against the clean ones
     * @param images        number of images
     * @param clean         the first {@code shown} clean images, [shown, pixels]
     * @param corrupted     the same, corrupted
     * @param denoised      the same, denoised
     */
    public record Result(double psnrCorrupted, double psnrDenoised, double psnrMedian3, int images, INDArray clean,
                         INDArray corrupted, INDArray denoised) {
    }

    /**
     * Runs the measurement.
     *
     * @param clean images, [n, rows*cols] in [0, 1]
     * @param noise the corruption applied, pixel by pixel in row order, from one generator seeded with {@code seed}
     * @param labels the images' digits, which a conditional model receives uncorrupted (ignored otherwise)
     * @param shown how many images the result keeps for a picture
     */
    public static Result run(Vae vae, INDArray clean, int[] labels, int rows, int cols, Corruption noise, long seed,
                             int shown) {
        int n = (int) clean.size(0);
        int size = rows * cols;
        float[] x = LatentArithmetic.floats(clean);
        float[] corrupted = x.clone();
        noise.apply(corrupted, corrupted.length, new SplittableRandom(seed));
        float[] denoised = new float[x.length];
        for (int start = 0; start < n; start += BLOCK) {
            int m = Math.min(BLOCK, n - start);
            INDArray in = Nd4j.create(Arrays.copyOfRange(corrupted, start * size, (start + m) * size),
                    new long[] {m, size}, DataType.FLOAT);
            float[] out = LatentArithmetic.floats(vae.reconstruct(LatentArithmetic.inputs(vae, in,
                    Arrays.copyOfRange(labels, start, start + m))));
            System.arraycopy(out, 0, denoised, start * size, m * size);
        }
        double sumCorrupted = 0;
        double sumDenoised = 0;
        double sumMedian = 0;
        float[] median = new float[size];
        for (int i = 0; i < n; i++) {
            int off = i * size;
            median3(corrupted, off, rows, cols, median);
            sumCorrupted += psnr(x, off, corrupted, off, size);
            sumDenoised += psnr(x, off, denoised, off, size);
            sumMedian += psnr(x, off, median, 0, size);
        }
        int k = Math.min(shown, n);
        return new Result(sumCorrupted / n, sumDenoised / n, sumMedian / n, n, rowsOf(x, k, size),
                rowsOf(corrupted, k, size), rowsOf(denoised, k, size));
    }

    /** PSNR in dB with peak 1 of b against the reference a, over {@code size} values from the given offsets. */
    public static double psnr(float[] a, int aOff, float[] b, int bOff, int size) {
        double se = 0;
        for (int j = 0; j < size; j++) {
            double d = (double) a[aOff + j] - b[bOff + j];
            se += d * d;
        }
        return 10 * Math.log10(1 / Math.max(se / size, MSE_FLOOR));
    }

    /**
     * The 3x3 median filter of the image at {@code img[off ..]} into {@code out[0 .. rows*cols)}; at the border the
     * nearest pixels are repeated.
     */
    public static void median3(float[] img, int off, int rows, int cols, float[] out) {
        float[] w = new float[9];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int k = 0;
                for (int dr = -1; dr <= 1; dr++) {
                    int rr = Math.min(rows - 1, Math.max(0, r + dr));
                    for (int dc = -1; dc <= 1; dc++) {
                        int cc = Math.min(cols - 1, Math.max(0, c + dc));
                        w[k++] = img[off + rr * cols + cc];
                    }
                }
                Arrays.sort(w);
                out[r * cols + c] = w[4];
            }
        }
    }

    private static INDArray rowsOf(float[] values, int k, int size) {
        return Nd4j.create(Arrays.copyOf(values, k * size), new long[] {k, size}, DataType.FLOAT);
    }
}
