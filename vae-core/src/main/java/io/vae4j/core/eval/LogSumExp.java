package io.vae4j.core.eval;

/**
 * A streaming, numerically stable log-sum-exp in double precision: add values one chunk at a time and read
 * log(sum(exp(v))) at the end without ever forming exp of a large number.
 */
public final class LogSumExp {
    private double max = Double.NEGATIVE_INFINITY;
    private double scaledSum;
    private long count;

    /** Adds one value; NaN makes the result NaN, -infinity adds nothing. */
    public void add(double v) {
        count++;
        if (Double.isNaN(v) || Double.isNaN(max)) {
            max = Double.NaN;
            return;
        }
        if (v == Double.NEGATIVE_INFINITY) {
            return;
        }
        if (v > max) {
            scaledSum = scaledSum * Math.exp(max - v) + 1.0;
            max = v;
        } else {
            scaledSum += Math.exp(v - max);
        }
    }

    /** log(sum(exp(v))) over the values added so far; -infinity when there are none. */
    public double logSum() {
        if (Double.isNaN(max)) {
            return Double.NaN;
        }
        return max == Double.NEGATIVE_INFINITY ? max : max + Math.log(scaledSum);
    }

    /** log(mean(exp(v))) = logSum - log(count). */
    public double logMean() {
        return logSum() - Math.log(count);
    }

    public long count() {
        return count;
    }
}
