package io.vae4j.mnist.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** PSNR and the median filter against values worked out by hand. */
class DenoisingTest {
    @Test
    void psnrIsTenLog10OfOneOverTheMeanSquaredError() {
        float[] a = {0, 0, 0, 0};
        float[] b = {0.1f, -0.1f, 0.1f, -0.1f}; // MSE 0.01: 20 dB
        assertEquals(20, Denoising.psnr(a, 0, b, 0, 4), 1e-5);
        float[] c = {9, 0, 0.2f, 0, 0}; // offset 1: errors 0, 0.2, 0, 0 -> MSE 0.01
        assertEquals(20, Denoising.psnr(a, 0, c, 1, 4), 1e-5);
        assertEquals(100, Denoising.psnr(a, 0, a, 0, 4), 0); // capped
    }

    @Test
    void medianOfThreeByThreeWithRepeatedBorders() {
        // 3 rows x 4 columns
        float[] img = {
            0, 0, 0, 0,
            0, 1, 0, 0,
            0.5f, 0.5f, 0.5f, 0.2f};
        float[] out = new float[12];
        Denoising.median3(img, 0, 3, 4, out);
        // e.g. (0,0): rows {0,0,1} x cols {0,0,1} -> 0,0,0,0,0,0,0,0,1 -> 0;
        // (2,0): rows {1,2,2} x cols {0,0,1} -> 0,0,1,.5,.5,.5,.5,.5,.5 -> .5;
        // (2,3): rows {1,2,2} x cols {2,3,3} -> 0,0,0,.5,.2,.2,.5,.2,.2 -> .2
        float[] want = {
            0, 0, 0, 0,
            0, 0, 0, 0,
            0.5f, 0.5f, 0.5f, 0.2f};
        assertArrayEquals(want, out);
        // an isolated bright pixel in a flat image is removed
        float[] dot = new float[25];
        dot[12] = 1;
        float[] clean = new float[25];
        Denoising.median3(dot, 0, 5, 5, clean);
        assertArrayEquals(new float[25], clean);
    }
}
