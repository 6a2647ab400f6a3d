package io.vae4j.mnist.cli;

import io.vae4j.mnist.run.WorkEstimate;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The bound on a command's work: refused beyond --max-hours (a day by default), or beyond the memory it has. */
final class WorkLimit {
    @Option(names = "--max-hours", paramLabel = "H", defaultValue = "24",
            description = "Refuse work estimated to take longer than H hours (the estimate errs long). "
                    + "Default: ${DEFAULT-VALUE}.")
    double maxHours;

    /** Cores the work runs on: those this process may use. */
    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Refuses work estimated beyond {@code --max-hours}, saying what it is, how long, and what to change.
     *
     * @param what    the work, e.g. "importance sampling: k=5000 on 10,000 test images"
     * @param shorten the flags that make it shorter
     */
    void check(double seconds, String what, String shorten) {
        if (!(maxHours > 0)) {
            throw new UserException("--max-hours must be > 0, got " + maxHours);
        }
        if (seconds > maxHours * 3600) {
            throw new UserException(String.format(Locale.ROOT, "%s would take about %s on %d cores (estimated at a "
                    + "conservative rate), more than --max-hours %s; %s, or allow it with --max-hours %.0f",
                    what, WorkEstimate.human(seconds), cores(), trim(maxHours), shorten,
                    Math.ceil(seconds / 3600 * 1.2)));
        }
    }

    /** Refuses a training step that needs more native memory than JavaCPP allows this JVM. */
    static void checkMemory(double bytes, String what) {
        long max = org.bytedeco.javacpp.Pointer.maxBytes();
        if (max > 0 && bytes > 0.8 * max) {
            throw new UserException(String.format(Locale.ROOT, "%s needs about %.1f GB of native memory, more than "
                    + "this JVM's %.1f GB; lower --batch-size or the layer sizes, or raise the limit with "
                    + "VAE_JAVA_OPTS=-Dorg.bytedeco.javacpp.maxbytes=%dg", what, bytes / 1e9, max / 1e9,
                    (long) Math.ceil(bytes * 1.5 / 1e9)));
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
