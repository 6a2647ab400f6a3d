package io.vae4j.mnist.run;

import java.util.Arrays;

/** Area under the ROC curve, computed exactly as the Mann-Whitney U statistic with tied scores sharing ranks. */
public final class RocAuc {
    private RocAuc() {
    }

    /**
     * P(score of a random positive > score of a random negative) + P(tie) / 2.
     *
     * @throws IllegalArgumentException if there are no positives or no negatives
     */
    public static double of(double[] scores, boolean[] positive) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1; // average 1-based rank of the tie group
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSumPositive += rank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("ROC AUC needs positives and negatives, got " + positives + " and "
                    + negatives);
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
