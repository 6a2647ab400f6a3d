package io.vae4j.core.backend;

import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The one place that decides where vae4j's host kernels run: the loops written in Java that replace ND4J ops in the
 * compiled training step and in scoring (the Bernoulli likelihood and its gradient, the latent layer, relu's
 * gradient, Adam). They read and write the arrays' memory from Java, so they need arrays in host memory (the CPU
 * backend), and each is written for the data types it names. Everywhere else ND4J's ops compute the same values.
 *
 * <p>The switch {@code -Dvae.hostKernels=off} (or {@link #setEnabled}) turns every one of them off, so that a
 * numerical difference can be chased to them or away from them: the model then runs on ND4J's ops alone. The
 * direct native call of {@code exec.CompiledGraph} is not a kernel (the same libnd4j op runs) and is decided by
 * {@link #hostMemory} alone.
 */
public final class HostKernels {
    /** System property: "off" runs every computation on ND4J's ops. */
    public static final String PROPERTY = "vae.hostKernels";

    private static volatile Boolean enabled;
    private static volatile Boolean hostMemory;

    private HostKernels() {
    }

    /** Whether the host kernels are switched on: {@value #PROPERTY} is not "off", unless {@link #setEnabled} said. */
    public static boolean enabled() {
        Boolean e = enabled;
        if (e == null) {
            e = parse(System.getProperty(PROPERTY));
            enabled = e;
        }
        return e;
    }

    /** Reads the property's value: "off" or "false" turns the kernels off, anything else (or nothing) leaves them on. */
    static boolean parse(String setting) {
        String s = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
        return !s.equals("off") && !s.equals("false");
    }

    /**
     * Switches the host kernels on or off for models and steps compiled from now on (steps compiled earlier keep
     * what they were compiled with). For tests that run one computation both ways.
     */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /**
     * Whether ND4J's arrays live in host memory that Java may read and write directly: the CPU backend. Loads ND4J.
     */
    public static boolean hostMemory() {
        Boolean h = hostMemory;
        if (h == null) {
            h = BackendInfo.hostBackend();
            hostMemory = h;
        }
        return h;
    }

    /** Whether a host kernel written for FLOAT arrays runs on arrays of this type. */
    public static boolean floatKernel(DataType type) {
        return type == DataType.FLOAT && hostMemory() && enabled();
    }

    /** Whether a host kernel written for FLOAT and DOUBLE arrays (Adam) runs on arrays of this type. */
    public static boolean floatingKernel(DataType type) {
        return (type == DataType.FLOAT || type == DataType.DOUBLE) && hostMemory() && enabled();
    }

    /** What the start-up log says: "host kernels on" or "host kernels off". */
    public static String describe() {
        return enabled() ? "host kernels on" : "host kernels off (" + PROPERTY + "=off)";
    }
}
