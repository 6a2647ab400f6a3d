package io.vae4j.core.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Parsing, and the statistics of each corruption against its definition (100k pixels, 5 standard errors). */
class CorruptionTest {
    private static final int N = 100_000;

    private static float[] grey() {
        float[] x = new float[N];
        Arrays.fill(x, 0.5f);
        return x;
    }

    @Test
    void parsesAndPrintsTheFlagForm() {
        assertEquals(new Corruption(Corruption.Kind.GAUSSIAN, 0.5), Corruption.parse("gaussian:0.5"));
        assertEquals(new Corruption(Corruption.Kind.MASK, 0.25), Corruption.parse(" MASK:0.25 "));
        assertEquals(Corruption.NONE, Corruption.parse("none"));
        for (String s : new String[] {"gaussian:0.5", "saltpepper:0.1", "mask:1", "none"}) {
            assertEquals(s, Corruption.parse(s).toString());
        }
    }

    @Test
    void badFormsSayWhatIsAccepted() {
        assertEquals("unknown corruption 'blur:2': use gaussian:SIGMA, saltpepper:P, mask:P or none",
                assertThrows(IllegalArgumentException.class, () -> Corruption.parse("blur:2")).getMessage());
        assertEquals("corruption 'mask' needs a level, e.g. mask:0.25",
                assertThrows(IllegalArgumentException.class, () -> Corruption.parse("mask")).getMessage());
        assertEquals("mask corruption's level (the probability that a pixel is hit) must be in (0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> Corruption.parse("mask:1.5")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Corruption.parse("gaussian:0")).getMessage()
                .contains("must be in (0, 5]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Corruption.parse("gaussian:x")).getMessage()
                .contains("'x' is not a number"));
    }

    @Test
    void gaussianAddsNoiseOfTheGivenDeviationAndClips() {
        float[] x = grey();
        new Corruption(Corruption.Kind.GAUSSIAN, 0.1).apply(x, N, new SplittableRandom(1));
        double mean = 0;
        double sq = 0;
        for (float v : x) {
            mean += v - 0.5;
            sq += (v - 0.5) * (v - 0.5);
        }
        mean /= N;
        double var = sq / N - mean * mean;
        assertEquals(0, mean, 5 * 0.1 / Math.sqrt(N));
        assertEquals(0.01, var, 5 * 0.01 * Math.sqrt(2.0 / N));
        float[] y = grey();
        new Corruption(Corruption.Kind.GAUSSIAN, 3).apply(y, N, new SplittableRandom(1));
        int clipped = 0;
        for (float v : y) {
            assertTrue(v >= 0 && v <= 1);
            clipped += v == 0 || v == 1 ? 1 : 0;
        }
        // P(|N(0, 9)| > 0.5) = 2 (1 - Phi(1/6)) = 0.8676
        assertEquals(0.8676, clipped / (double) N, 5 * Math.sqrt(0.8676 * 0.1324 / N));
    }

    @Test
    void saltPepperAndMaskHitTheGivenFraction() {
        float[] x = grey();
        new Corruption(Corruption.Kind.SALTPEPPER, 0.3).apply(x, N, new SplittableRandom(2));
        int salt = 0;
        int pepper = 0;
        for (float v : x) {
            salt += v == 1f ? 1 : 0;
            pepper += v == 0f ? 1 : 0;
        }
        assertEquals(0.15, salt / (double) N, 5 * Math.sqrt(0.15 * 0.85 / N));
        assertEquals(0.15, pepper / (double) N, 5 * Math.sqrt(0.15 * 0.85 / N));
        float[] m = grey();
        new Corruption(Corruption.Kind.MASK, 0.3).apply(m, N, new SplittableRandom(2));
        int zeros = 0;
        for (float v : m) {
            zeros += v == 0f ? 1 : (v == 0.5f ? 0 : 1000);
        }
        assertEquals(0.3, zeros / (double) N, 5 * Math.sqrt(0.3 * 0.7 / N));
    }

    @Test
    void theSameSeedCorruptsTheSameWay() {
        float[] a = grey();
        float[] b = grey();
        Corruption c = Corruption.parse("saltpepper:0.5");
        c.apply(a, N, new SplittableRandom(9));
        c.apply(b, N, new SplittableRandom(9));
        assertArrayEquals(a, b);
        float[] partial = grey();
        c.apply(partial, 10, new SplittableRandom(9));
        assertEquals(0.5f, partial[10]);
    }
}
