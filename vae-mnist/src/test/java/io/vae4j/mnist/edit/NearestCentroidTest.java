package io.vae4j.mnist.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vae4j.mnist.data.MnistSplit;
import org.junit.jupiter.api.Test;

/** The model-free classifier on images whose nearest digit mean is known by construction. */
class NearestCentroidTest {
    @Test
    void predictsTheDigitWhoseMeanIsNearest() {
        // 2x2 images; digit d has pixel d % 4 on (255) in every training image; digits 4-9 have no images
        int n = 8;
        byte[] pixels = new byte[n * 4];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 4);
            pixels[i * 4 + i % 4] = (byte) 255;
        }
        NearestCentroid c = NearestCentroid.fit(new MnistSplit("train", pixels, labels, n, 2, 2));
        float[] images = {0.9f, 0.1f, 0, 0, /**/ 0, 0, 0.2f, 0.6f, /**/ 0, 0.5f, 0.4f, 0};
        assertEquals(0, c.predict(images, 0));
        assertEquals(3, c.predict(images, 4));
        assertEquals(1, c.predict(images, 8));
        assertEquals(2 / 3.0, c.agreement(images, new int[] {0, 3, 2}), 1e-12);
    }
}
