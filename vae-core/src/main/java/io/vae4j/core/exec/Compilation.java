package io.vae4j.core.exec;

import io.vae4j.core.backend.HostKernels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The state of one compilation of {@link GraphCompiler}: the arrays bound so far and the steps in order. Every step
 * runs once as it is added, because some shape functions read their inputs' values (slice's begin and size).
 */
final class Compilation {
    private final SameDiff fn;
    private final Map<String, INDArray> leaves;
    private final Map<String, INDArray> bound;
    /** Values some op or the caller reads: outputs not in it need not be computed. */
    private final Set<String> used;
    private final Map<String, INDArray> arrays = new HashMap<>();
    private final Map<String, INDArray> ones = new HashMap<>();
    final List<INDArray> owned = new ArrayList<>();
    final List<DifferentialFunction> ops = new ArrayList<>();
    final List<OpContext> contexts = new ArrayList<>();
    final List<Step.Host> host = new ArrayList<>();

    Compilation(SameDiff fn, Map<String, INDArray> leaves, Map<String, INDArray> bound, Set<String> used) {
        this.fn = fn;
        this.leaves = leaves;
        this.bound = bound;
        this.used = used;
    }

    /** The function being compiled. */
    SameDiff function() {
        return fn;
    }

    /** Whether some op or the caller reads the value. */
    boolean used(String name) {
        return used.contains(name);
    }

    /** Whether the caller bound an array of its own to the value. */
    boolean bound(String name) {
        return bound.containsKey(name);
    }

    /** The array of a value: a leaf, an output computed so far, or the function's own array. */
    INDArray in(String name) {
        INDArray a = leaves.get(name);
        if (a == null) {
            a = arrays.get(name);
        }
        if (a == null) {
            SDVariable v = fn.getVariable(name);
            if (v.getVariableType() == VariableType.PLACEHOLDER) {
                throw new IllegalArgumentException("the step needs placeholder " + name + " but none was bound");
            }
            a = v.getArr();
        }
        if (a == null) {
            throw new IllegalStateException("no array for " + name + " when compiling the training step");
        }
        return a;
    }

    /** Makes a value an alias of an existing array (no step runs for it). */
    void alias(String name, INDArray array) {
        arrays.put(name, array);
    }

    /**
     * The array an output is written to: the caller's bound array, or a new one of the variable's data type (many
     * ops have several valid output types; SameDiff uses the variable's, and so does this).
     */
    INDArray out(String name, long[] shape) {
        DataType dt = fn.getVariable(name).dataType();
        INDArray b = bound.get(name);
        INDArray a;
        if (b != null) {
            if (!java.util.Arrays.equals(b.shape(), shape) || b.dataType() != dt) {
                throw new IllegalStateException("output " + name + " is " + dt + java.util.Arrays.toString(shape)
                        + " but the array bound to it is " + b.dataType() + java.util.Arrays.toString(b.shape()));
            }
            a = b;
        } else {
            a = Nd4j.create(dt, shape);
            owned.add(a);
        }
        arrays.put(name, a);
        return a;
    }

    /** An array that lives as long as the compiled graph. */
    INDArray scratch(DataType type, long... shape) {
        INDArray a = Nd4j.create(type, shape);
        owned.add(a);
        return a;
    }

    /** Adds an op with its bound context (or none, for an op made with its arrays), running it once. */
    void add(DifferentialFunction op, OpContext oc) {
        CompiledGraph.exec(op, oc);
        ops.add(op);
        contexts.add(oc);
        host.add(null);
    }

    /** A custom op with a context of its own bound to these arrays; {@code name} says in profiles what it computes. */
    void custom(DynamicCustomOp op, String name, INDArray[] in, INDArray out) {
        op.setOwnName(name);
        OpContext oc = Nd4j.getExecutioner().buildContext();
        oc.setArgs(in, op.iArgs(), op.dArgs(), op.tArgs(), op.bArgs());
        oc.setOutputArray(0, out);
        add(op, oc);
    }

    /** Adds a step of a kernel. */
    void step(Step s) {
        if (s instanceof Step.Host h) {
            if (!HostKernels.hostMemory()) {
                throw new IllegalStateException("kernel " + h.name() + " runs on host memory: CPU backend only");
            }
            h.body().run();
            ops.add(null);
            contexts.add(null);
            host.add(h);
        } else {
            add(((Step.Op) s).op(), null);
        }
    }

    /** Adds the steps of a fused kernel computing its value. */
    void fused(Fused f) {
        INDArray[] in = new INDArray[f.inputs().size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = in(f.inputs().get(i));
        }
        INDArray out = out(f.output(), f.shape().of(in));
        for (Step s : f.kernel().build(in, out, owned)) {
            step(s);
        }
    }

    /** out[j] = sum over i of z[i, j], as a product with a row of ones. */
    void columnSum(String name, INDArray z, INDArray out) {
        INDArray row = ones(1, z.size(0), z.dataType());
        INDArray target = matrix(out, 1, z.size(1));
        custom(new Mmul(row, z, target, null), name, new INDArray[] {row, z}, target);
    }

    /** A vector seen as a [rows, cols] matrix, sharing its memory. */
    static INDArray matrix(INDArray v, long rows, long cols) {
        INDArray m = v.reshape('c', rows, cols);
        if (m.data().address() + m.offset() * m.data().getElementSize()
                != v.data().address() + v.offset() * v.data().getElementSize()) {
            throw new IllegalStateException("a reshaped output does not share its array's memory");
        }
        return m;
    }

    /** A [rows, cols] array of ones, shared by the steps that need one of that shape. */
    INDArray ones(long rows, long cols, DataType type) {
        return ones.computeIfAbsent(type + ":" + rows + "x" + cols, k -> {
            INDArray a = Nd4j.ones(type, rows, cols);
            owned.add(a);
            return a;
        });
    }

    static boolean floating(INDArray a) {
        return a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE;
    }
}
