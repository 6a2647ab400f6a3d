package io.vae4j.mnist.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RocAucTest {
    /** Against the definition: the fraction of (positive, negative) pairs ordered correctly, ties counting half. */
    @Test
    void matchesPairCountingWithTies() {
        double[] s = {0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2};
        boolean[] pos = {false, true, false, true, false, true, false};
        double pairs = 0;
        double good = 0;
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < s.length; j++) {
                if (pos[i] && !pos[j]) {
                    pairs++;
                    good += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
            }
        }
        assertEquals(good / pairs, RocAuc.of(s, pos), 1e-12);
        assertEquals(1.0, RocAuc.of(new double[] {1, 2, 3}, new boolean[] {false, false, true}), 0);
        assertEquals(0.5, RocAuc.of(new double[] {1, 1}, new boolean[] {false, true}), 0);
    }
}
