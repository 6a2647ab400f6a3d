package io.vae4j.core.exec;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A SameDiff function compiled by {@link GraphCompiler} for one input shape: its steps in order, each an ND4J op with
 * its arrays bound (custom ops called through {@link NativeCall} where they may) or a host kernel. Running it
 * executes each step directly: no per-call plan, name look-ups, shape inference or allocation, which is what
 * SameDiff's own sessions redo at every call.
 *
 * <p>Not thread-safe; the bound arrays are reused by every run, so read results before the next run.
 */
public final class CompiledGraph implements AutoCloseable {
    private final DifferentialFunction[] ops;
    private final OpContext[] contexts;
    /** Per step: a host kernel (its {@code ops} entry is null), else null. */
    private final Step.Host[] host;
    /** Per step: the direct native call, or null. */
    private final NativeCall[] direct;
    private final Map<String, INDArray> values;
    private final List<INDArray> owned;

    CompiledGraph(DifferentialFunction[] ops, OpContext[] contexts, Step.Host[] host, Map<String, INDArray> values,
            List<INDArray> owned) {
        this.ops = ops;
        this.contexts = contexts;
        this.host = host;
        this.values = values;
        this.owned = owned;
        direct = new NativeCall[ops.length];
        for (int i = 0; i < ops.length; i++) {
            direct[i] = NativeCall.of(ops[i], contexts[i]);
        }
    }

    /** Runs every step once, in order. */
    public void run() {
        for (int i = 0; i < ops.length; i++) {
            exec(i);
        }
    }

    /** As {@link #run}, adding each step's wall time in nanoseconds to {@code nanos[i]}. */
    public void runTimed(long[] nanos) {
        for (int i = 0; i < ops.length; i++) {
            long t = System.nanoTime();
            exec(i);
            nanos[i] += System.nanoTime() - t;
        }
    }

    private void exec(int i) {
        if (host[i] != null) {
            host[i].body().run();
        } else if (direct[i] != null) {
            direct[i].run(ops[i].opName());
        } else {
            exec(ops[i], contexts[i]);
        }
    }

    /**
     * The times {@link #runTimed} added up over {@code runs} runs, as mean microseconds per run of each step's
     * {@link #label} (steps of one label summed), largest first.
     */
    public Map<String, Double> microsPerRun(long[] nanos, int runs) {
        Map<String, Double> out = new HashMap<>();
        for (int i = 0; i < nanos.length; i++) {
            out.merge(label(i), nanos[i] / 1e3 / runs, Double::sum);
        }
        return largestFirst(out);
    }

    /** A profile's entries ordered by value, largest first. */
    public static Map<String, Double> largestFirst(Map<String, Double> profile) {
        Map<String, Double> sorted = new LinkedHashMap<>();
        profile.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** The op type and graph name of the i-th step, e.g. "matmul_bp (matmul_bp_1)", or a host kernel's name. */
    public String label(int i) {
        return host[i] != null ? host[i].name() + " (Java)" : ops[i].opName() + " (" + ops[i].getOwnName() + ")";
    }

    /** Executes an op with its bound context, or, for an op made with its arrays, without one. */
    static void exec(DifferentialFunction op, OpContext context) {
        if (context == null) {
            if (op instanceof CustomOp c) {
                Nd4j.exec(c);
            } else {
                Nd4j.exec((Op) op);
            }
        } else if (op instanceof CustomOp c) {
            Nd4j.exec(c, context);
        } else {
            Nd4j.exec((Op) op, context);
        }
    }

    /** The array a wanted value is computed into by {@link #run}. */
    public INDArray value(String name) {
        INDArray v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("this step does not compute " + name);
        }
        return v;
    }

    /** Number of steps executed per run. */
    public int size() {
        return ops.length;
    }

    /** Whether any step is a host kernel. */
    public boolean hasHostKernels() {
        for (Step.Host h : host) {
            if (h != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Releases the contexts, the native resources of host steps that hold some (an {@link AutoCloseable} body) and
     * the arrays this compilation allocated.
     */
    @Override
    public void close() {
        for (Step.Host h : host) {
            if (h != null && h.body() instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("could not release the host step " + h.name(), e);
                }
            }
        }
        for (OpContext c : contexts) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release an op context", e);
            }
        }
        for (INDArray a : owned) {
            if (a.closeable()) {
                a.close();
            }
        }
    }
}
