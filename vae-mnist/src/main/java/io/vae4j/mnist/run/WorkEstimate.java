package io.vae4j.mnist.run;

import io.vae4j.core.config.Objective;
import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.graph.Layout;
import java.util.Locale;

/**
 * How long a command's work will take and how much native memory it needs, estimated before it starts, so that a
 * mistyped count is refused at once instead of running for days.
 *
 * <p>Time is the work's floating-point operations (from the model's {@link Layout}) at {@link #FLOPS_PER_CORE} per
 * core: a rate below what the slowest machines we measured sustain, so the estimate errs long.
 */
public final class WorkEstimate {
    /** The longest work accepted without {@code --max-hours}. */
    public static final double DEFAULT_MAX_HOURS = 24;
    /** Sustained floating-point operations per second and core assumed for the estimate. */
    static final double FLOPS_PER_CORE = 2e10;
    /** Floats kept per unit of a layer's output in a training step: activation, gradient, kernels' copies. */
    private static final int FLOATS_PER_ACTIVATION = 6;

    private WorkEstimate() {
    }

    /** Multiply-adds of one example's pass through a list of layers. */
    private static double macs(Iterable<Layout.Layer> layers) {
        double m = 0;
        for (Layout.Layer l : layers) {
            m += switch (l.kind()) {
                case DENSE -> (double) l.in() * l.out();
                // stride 2: a conv's output has half the input's side; a deconv scatters every input pixel
                case CONV -> Math.pow(l.side() / (double) Layout.STRIDE, 2) * Layout.KERNEL * Layout.KERNEL * l.in()
                        * l.out();
                case DECONV -> (double) l.side() * l.side() * Layout.KERNEL * Layout.KERNEL * l.in() * l.out();
            };
        }
        return m;
    }

    /** Floating-point operations of the decoder's forward pass for one code. */
    public static double decoderFlops(VaeConfig c) {
        return 2 * macs(Layout.of(c).decoder());
    }

    /** Floating-point operations of the encoder and decoder's forward pass for one example. */
    public static double forwardFlops(VaeConfig c) {
        Layout layout = Layout.of(c);
        double heads = (double) layout.mu().in() * layout.mu().out() * (layout.logVar() == null ? 1 : 2);
        return 2 * (macs(layout.encoder()) + heads + macs(layout.decoder()));
    }

    /**
     * Seconds of training for {@code epochs} epochs of {@code examples}, each followed by a test pass (and, for a
     * model trained on the importance-weighted bound, the test bound with as many draws).
     */
    public static double trainingSeconds(VaeConfig c, long examples, long testExamples, int epochs, int cores) {
        // each training example runs the decoder once per draw
        double step = forwardFlops(c) + (c.samples() - 1) * decoderFlops(c);
        double test = forwardFlops(c) + (c.objective() == Objective.IWAE ? c.samples() * decoderFlops(c) : 0);
        double flops = epochs * (3 * step * examples + test * testExamples);
        return flops / (FLOPS_PER_CORE * Math.max(1, cores));
    }

    /** Seconds of scoring {@code images} images with {@code draws} forward passes each (anomaly scores). */
    public static double scoringSeconds(VaeConfig c, long images, long draws, int cores) {
        return (double) images * draws * forwardFlops(c) / (FLOPS_PER_CORE * Math.max(1, cores));
    }

    /** Seconds of importance sampling with k samples for each of {@code images} images. */
    public static double importanceSamplingSeconds(VaeConfig c, long images, long k, int cores) {
        return (double) images * k * decoderFlops(c) / (FLOPS_PER_CORE * Math.max(1, cores));
    }

    /** Native bytes a training step holds: parameters, gradients and Adam's moments, and the batch's activations. */
    public static double trainingBytes(VaeConfig c) {
        Layout layout = Layout.of(c);
        double params = 0;
        double activations = c.featureSize();
        for (Iterable<Layout.Layer> part : java.util.List.of(layout.encoder(), layout.decoder())) {
            for (Layout.Layer l : part) {
                params += l.kind() == Layout.Kind.DENSE ? (double) l.in() * l.out() + l.out()
                        : (double) l.in() * l.out() * Layout.KERNEL * Layout.KERNEL + l.out();
                activations += l.kind() == Layout.Kind.DENSE ? l.out()
                        : l.out() * Math.pow(l.kind() == Layout.Kind.CONV ? l.side() / 2.0 : l.side() * 2.0, 2);
            }
        }
        params += 2.0 * (layout.mu().in() + 1) * layout.mu().out();
        activations += 4.0 * c.latentSize();
        for (Layout.Layer l : layout.decoder()) { // the other draws' decoder activations
            activations += (c.samples() - 1.0) * (l.kind() == Layout.Kind.DENSE ? l.out()
                    : l.out() * Math.pow(l.side() * 2.0, 2));
        }
        return 4 * (4 * params + FLOATS_PER_ACTIVATION * activations * c.batchSize());
    }

    /** A duration as people say it: "40 s", "12 minutes", "3.5 hours", "9.3 days". */
    public static String human(double seconds) {
        if (seconds < 90) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        if (seconds < 5400) {
            return String.format(Locale.ROOT, "%.0f minutes", seconds / 60);
        }
        if (seconds < 3 * 86400) {
            return String.format(Locale.ROOT, "%.1f hours", seconds / 3600);
        }
        return String.format(Locale.ROOT, "%.1f days", seconds / 86400);
    }
}
