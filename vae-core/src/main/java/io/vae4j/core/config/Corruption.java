package io.vae4j.core.config;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a denoising model corrupts its inputs: the encoder sees the corrupted image, the likelihood scores the clean
 * one. Written {@code kind:level}, e.g. {@code gaussian:0.5}; {@code none} for an ordinary model.
 *
 * @param kind  what is done to the pixels
 * @param level GAUSSIAN: the noise's standard deviation, in (0, 5]; SALTPEPPER and MASK: the probability that a
 *              pixel is hit, in (0, 1]; NONE: 0
 */
public record Corruption(Kind kind, double level) {
    /** No corruption: an ordinary VAE. */
    public static final Corruption NONE = new Corruption(Kind.NONE, 0);

    /** The kinds of corruption. */
    public enum Kind {
        /** None. */
        NONE,
        /** x + level * N(0, 1), clipped to [0, 1]. */
        GAUSSIAN,
        /** Each pixel, with probability level, set to 0 or 1 (each with probability 1/2). */
        SALTPEPPER,
        /** Each pixel, with probability level, set to 0. */
        MASK
    }

    public Corruption {
        if (kind == null) {
            throw new IllegalArgumentException("corruption kind must be set, got null");
        }
        switch (kind) {
            case NONE -> {
                if (level != 0) {
                    throw new IllegalArgumentException("corruption none takes no level, got " + level);
                }
            }
            case GAUSSIAN -> {
                if (!(level > 0 && level <= 5)) {
                    throw new IllegalArgumentException("gaussian corruption's level (the noise's standard "
                            + "deviation) must be in (0, 5], got " + level);
                }
            }
            default -> {
                if (!(level > 0 && level <= 1)) {
                    throw new IllegalArgumentException(key(kind) + " corruption's level (the probability that a "
                            + "pixel is hit) must be in (0, 1], got " + level);
                }
            }
        }
    }

    /**
     * Parses {@code kind:level} (kinds gaussian, saltpepper, mask) or {@code none}.
     *
     * @throws IllegalArgumentException naming what is wrong and what is accepted
     */
    public static Corruption parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("none")) {
            return NONE;
        }
        int colon = t.indexOf(':');
        String kindText = colon < 0 ? t : t.substring(0, colon);
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (k != Kind.NONE && key(k).equals(kindText)) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("unknown corruption '" + text + "': use gaussian:SIGMA, saltpepper:P, "
                    + "mask:P or none");
        }
        if (colon < 0) {
            throw new IllegalArgumentException("corruption '" + text + "' needs a level, e.g. " + kindText
                    + (kind == Kind.GAUSSIAN ? ":0.5" : ":0.25"));
        }
        double level;
        try {
            level = Double.parseDouble(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("corruption level '" + t.substring(colon + 1) + "' is not a number");
        }
        return new Corruption(kind, level);
    }

    /** Whether this corrupts anything. */
    public boolean active() {
        return kind != Kind.NONE;
    }

    /** Corrupts {@code x[0 .. length)} (intensities in [0, 1]) in place, drawing from {@code rnd}. */
    public void apply(float[] x, int length, SplittableRandom rnd) {
        switch (kind) {
            case NONE -> {
            }
            case GAUSSIAN -> {
                for (int i = 0; i < length; i++) {
                    double v = x[i] + level * rnd.nextGaussian();
                    x[i] = (float) Math.min(1, Math.max(0, v));
                }
            }
            case SALTPEPPER -> {
                for (int i = 0; i < length; i++) {
                    if (rnd.nextDouble() < level) {
                        x[i] = rnd.nextBoolean() ? 1f : 0f;
                    }
                }
            }
            case MASK -> {
                for (int i = 0; i < length; i++) {
                    if (rnd.nextDouble() < level) {
                        x[i] = 0f;
                    }
                }
            }
        }
    }

    /** {@code kind:level}, or {@code none}: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return kind == Kind.NONE ? "none"
                : key(kind) + ":" + java.math.BigDecimal.valueOf(level).stripTrailingZeros().toPlainString();
    }

    private static String key(Kind k) {
        return k.name().toLowerCase(Locale.ROOT);
    }
}
