package io.vae4j.core.exec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.BaseOp;
import org.nd4j.linalg.api.ops.BaseReduceOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.Identity;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A SameDiff function compiled for one input shape: the ops needed for a chosen set of outputs, in topological
 * order, each with an {@link OpContext} whose input and output arrays are bound once. Running it executes each op
 * directly (custom ops through libnd4j's {@code execCustomOp2}): no per-step plan, name look-ups, shape inference or
 * allocation, which
 * is what SameDiff's own sessions (M2.1 {@code InferenceSession}) redo at every call.
 *
 * <p>Compilation follows what {@code InferenceSession.getAndParameterizeOp} does for one call (arguments, legacy
 * reduce axes and scalars, output shapes and data types), once. Ops that only compute unused outputs are pruned;
 * a matrix-product gradient whose input-side half is unused is replaced by the one product still needed, and
 * {@code relu_bp} (a {@code std::function} call per element in M2.1) by step(x) * dy. A caller may have given values
 * computed by its own kernels ({@link Fused}: ND4J ops, or Java code on the CPU backend) instead of the ops of the
 * function. Outputs can be bound to caller-owned arrays (e.g. views of one flat gradient buffer).
 *
 * <p>Not thread-safe; the bound arrays are reused by every run, so read results before the next run.
 */
public final class CompiledGraph implements AutoCloseable {
    private final DifferentialFunction[] ops;
    private final OpContext[] contexts;
    /** Per op: the Java body of a {@link HostOp} (its {@code ops} entry is null), else null. */
    private final HostOp[] host;
    private final Map<String, INDArray> values;
    private final List<INDArray> owned;

    /** Per op: the custom op's hash when it runs straight through {@link #NATIVE}, else 0. */
    private final long[] directHash;
    private final org.bytedeco.javacpp.Pointer[] directContext;
    private static final org.nd4j.nativeblas.NativeOps NATIVE = org.nd4j.nativeblas.NativeOpsHolder.getInstance()
            .getDeviceNativeOps();
    /**
     * Whether custom ops may skip the executioner: on the CPU backend only. On CUDA the executioner also moves
     * arrays between host and device and sets the stream around the same call.
     */
    private static final boolean DIRECT = io.vae4j.core.backend.BackendInfo.hostBackend();

    private CompiledGraph(DifferentialFunction[] ops, OpContext[] contexts, HostOp[] host,
            Map<String, INDArray> values, List<INDArray> owned) {
        this.ops = ops;
        this.contexts = contexts;
        this.host = host;
        this.values = values;
        this.owned = owned;
        directHash = new long[ops.length];
        directContext = new org.bytedeco.javacpp.Pointer[ops.length];
        for (int i = 0; i < ops.length; i++) {
            if (DIRECT && contexts[i] != null && ops[i] instanceof CustomOp c) {
                directHash[i] = c.opHash();
                directContext[i] = contexts[i].contextPointer();
            }
        }
    }

    /**
     * Compiles the part of {@code fn} that computes {@code wanted}.
     *
     * @param fn           the function (e.g. SameDiff's gradient function "grad")
     * @param leaves       arrays for placeholders and for any variable or constant that should not come from
     *                     {@code fn} itself (e.g. parameters re-pointed to views of a flat buffer); the caller keeps
     *                     them bound and writes new inputs into them in place
     * @param boundOutputs arrays that given outputs must be written to (shape and type must match)
     * @param wanted       names of the values to compute; bound outputs are computed too
     * @param fused        values to compute with a faster equivalent kernel instead of the ops that compute them in
     *                     {@code fn}; each must be proven equal to SameDiff's value by a test
     */
    public static CompiledGraph compile(SameDiff fn, Map<String, INDArray> leaves, Map<String, INDArray> boundOutputs,
            Set<String> wanted, Map<String, Fused> fused) {
        // Compiling runs every op once (see below); random ops must not use up the generator's stream doing so.
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandom();
        long rootState = rng.rootState();
        long nodeState = rng.nodeState();
        try {
            return compileOps(fn, leaves, boundOutputs, wanted, fused);
        } finally {
            rng.setStates(rootState, nodeState);
        }
    }

    private static CompiledGraph compileOps(SameDiff fn, Map<String, INDArray> leaves,
            Map<String, INDArray> boundOutputs, Set<String> wanted, Map<String, Fused> fused) {
        Set<String> targets = new HashSet<>(wanted);
        targets.addAll(boundOutputs.keySet());
        List<Object> order = topologicalOrder(fn, targets, fused);
        Set<String> used = new HashSet<>(targets);
        for (Object node : order) {
            if (node instanceof SameDiffOp op) {
                used.addAll(op.getInputsToOp() == null ? List.of() : op.getInputsToOp());
            } else {
                used.addAll(((Fused) node).inputs());
            }
        }

        Map<String, INDArray> arrays = new HashMap<>();
        List<INDArray> owned = new ArrayList<>();
        List<DifferentialFunction> execOps = new ArrayList<>();
        List<OpContext> execContexts = new ArrayList<>();
        List<HostOp> hostOps = new ArrayList<>();
        for (Object node : order) {
            if (node instanceof Fused f) {
                INDArray[] in = new INDArray[f.inputs().size()];
                for (int i = 0; i < in.length; i++) {
                    in[i] = arrayOf(fn, f.inputs().get(i), leaves, arrays);
                }
                INDArray out = output(fn, f.output(), f.shape().of(in), boundOutputs, owned);
                arrays.put(f.output(), out);
                for (Object step : f.kernel().build(in, out, owned)) {
                    if (step instanceof HostOp h) {
                        if (!DIRECT) {
                            throw new IllegalStateException("kernel " + h.name() + " runs on host memory: CPU "
                                    + "backend only");
                        }
                        h.body().run();
                        execOps.add(null);
                        hostOps.add(h);
                    } else {
                        DifferentialFunction op = (DifferentialFunction) step;
                        exec(op, null);
                        execOps.add(op);
                        hostOps.add(null);
                    }
                    execContexts.add(null);
                }
                continue;
            }
            SameDiffOp sdo = (SameDiffOp) node;
            DifferentialFunction df = sdo.getOp();
            List<String> inNames = sdo.getInputsToOp() == null ? List.of() : sdo.getInputsToOp();
            INDArray[] in = new INDArray[inNames.size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = arrayOf(fn, inNames.get(i), leaves, arrays);
            }
            List<String> outNames = sdo.getOutputsOfOp();
            if (df instanceof Identity && !boundOutputs.containsKey(outNames.get(0))) {
                arrays.put(outNames.get(0), in[0]); // pass-through, as SameDiff does
                continue;
            }
            if (df instanceof MmulBp mb && !used.contains(outNames.get(0))) {
                // d(xW)/dW only: the gradient towards x (e.g. the input placeholder) is never read
                INDArray w = in[1];
                INDArray out = output(fn, outNames.get(1), w.shape(), boundOutputs, owned);
                arrays.put(outNames.get(1), out);
                requireNoTranspose(sdo.getName(), mb);
                Mmul mm = new Mmul(in[0], in[2], out, MMulTranspose.builder().transposeA(true).build());
                OpContext oc = Nd4j.getExecutioner().buildContext();
                oc.setArgs(new INDArray[] {in[0], in[2]}, mm.iArgs(), mm.dArgs(), mm.tArgs(), mm.bArgs());
                oc.setOutputArray(0, out);
                exec(mm, oc);
                execOps.add(mm);
                execContexts.add(oc);
                hostOps.add(null);
                continue;
            }
            if (df instanceof ThresholdReluBp relu && in.length == 2) {
                // relu_bp calls a std::function per element (7-10 ns each, M2.1): step(x > cutoff) * dy is two
                // plain element-wise ops with the same result
                INDArray out = output(fn, outNames.get(0), in[0].shape(), boundOutputs, owned);
                arrays.put(outNames.get(0), out);
                INDArray mask = Nd4j.create(in[0].dataType(), in[0].shape());
                owned.add(mask);
                for (DifferentialFunction op : List.of(new Step(in[0], mask, relu.tArgs()[0]),
                        new MulOp(mask, in[1], out))) {
                    exec(op, null);
                    execOps.add(op);
                    execContexts.add(null);
                    hostOps.add(null);
                }
                continue;
            }
            OpContext oc = Nd4j.getExecutioner().buildContext();
            if (df instanceof DynamicCustomOp custom) {
                oc.setArgs(in, custom.iArgs(), custom.dArgs(), custom.tArgs(), custom.bArgs());
                List<LongShapeDescriptor> shapes = custom.calculateOutputShape(oc);
                if (shapes == null || shapes.size() != outNames.size()) {
                    throw new IllegalStateException("cannot compile op " + sdo.getName() + " (" + df.opName()
                            + "): its shape function gave " + (shapes == null ? "nothing" : shapes.size()
                            + " shapes") + " for " + outNames.size() + " outputs");
                }
                for (int i = 0; i < shapes.size(); i++) {
                    INDArray out = output(fn, outNames.get(i), shapes.get(i).getShape(), boundOutputs, owned);
                    arrays.put(outNames.get(i), out);
                    oc.setOutputArray(i, out);
                }
            } else if (df instanceof Op op) {
                boolean axisArg = false;
                if (op instanceof ReduceOp r && r.getOpType() != Op.Type.REDUCE3 && in.length == 2) {
                    INDArray axis = in[1];
                    if (axis.isEmpty()) {
                        throw new IllegalStateException("cannot compile op " + sdo.getName()
                                + ": reductions over an empty axis list are not supported");
                    }
                    df.setDimensions(Shape.normalizeAxis(in[0].rank(), axis.toIntVector()));
                    ((BaseReduceOp) op).setEmptyReduce(false);
                    axisArg = true;
                } else if (op instanceof ScalarOp s && in.length == 2) {
                    s.setScalar(in[1]);
                }
                if (in.length > 0) {
                    oc.setInputArray(0, in[0]);
                    if (in.length == 2 && !axisArg) {
                        oc.setInputArray(1, in[1]);
                    }
                }
                List<LongShapeDescriptor> shapes = ((BaseOp) op).calculateOutputShape(oc);
                if (shapes == null || shapes.size() != 1) {
                    throw new IllegalStateException("cannot compile op " + sdo.getName() + " (" + df.opName()
                            + "): no output shape");
                }
                INDArray out = output(fn, outNames.get(0), shapes.get(0).getShape(), boundOutputs, owned);
                arrays.put(outNames.get(0), out);
                oc.setOutputArray(0, out);
            } else {
                throw new IllegalStateException("cannot compile op " + sdo.getName() + " of type "
                        + df.getClass().getSimpleName() + " for the training step");
            }
            // Some shape functions read their inputs' values (slice's begin and size), so every op runs once
            // here, in order, before the next is bound.
            exec(df, oc);
            execOps.add(df);
            execContexts.add(oc);
            hostOps.add(null);
        }
        Map<String, INDArray> values = new LinkedHashMap<>();
        for (String w : targets) {
            values.put(w, arrayOf(fn, w, leaves, arrays));
        }
        return new CompiledGraph(execOps.toArray(new DifferentialFunction[0]),
                execContexts.toArray(new OpContext[0]), hostOps.toArray(new HostOp[0]), values, owned);
    }

    /** The replacement above computes A^T dY, which is dW only when the forward product had no transposes. */
    private static void requireNoTranspose(String name, MmulBp op) {
        for (long t : op.iArgs()) {
            if (t != 0) {
                throw new IllegalStateException("cannot compile op " + name + ": a transposed matmul_bp");
            }
        }
    }

    /** Runs every op once, in order. */
    public void run() {
        for (int i = 0; i < ops.length; i++) {
            exec(i);
        }
    }

    /** As {@link #run}, adding each op's wall time in nanoseconds to {@code nanos[i]}. */
    public void runTimed(long[] nanos) {
        for (int i = 0; i < ops.length; i++) {
            long t = System.nanoTime();
            exec(i);
            nanos[i] += System.nanoTime() - t;
        }
    }

    /**
     * Runs op i. A custom op with its bound context goes straight to libnd4j's {@code execCustomOp2}, the call
     * {@code Nd4j.exec(op, context)} ends in: the executioner's Java path around it (profiling hooks, a oneDNN
     * setting read through JNI, an override map, the output list) costs 2-7 us per op once JIT-compiled and many
     * times that before, which is the first epoch's warm-up.
     */
    private void exec(int i) {
        if (host[i] != null) {
            host[i].body().run();
            return;
        }
        long hash = directHash[i];
        if (hash == 0) {
            exec(ops[i], contexts[i]);
            return;
        }
        int status = NATIVE.execCustomOp2(null, hash, directContext[i]);
        if (status != 0) {
            throw new IllegalStateException("op " + label(i) + " failed: " + NATIVE.lastErrorMessage());
        }
    }

    /** The op type and graph name of the i-th op, e.g. "matmul_bp (matmul_bp_1)". */
    public String label(int i) {
        return host[i] != null ? host[i].name() + " (Java)" : ops[i].opName() + " (" + ops[i].getOwnName() + ")";
    }

    /** Executes an op with its bound context, or, for a kernel op made here with its arrays, without one. */
    private static void exec(DifferentialFunction op, OpContext context) {
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

    /**
     * Builds the steps of a fused kernel, their arrays bound, for given input arrays and output array: each step an
     * ND4J op ({@link DifferentialFunction}) or a {@link HostOp}.
     */
    @FunctionalInterface
    public interface Kernel {
        /** @param scratch add any array the kernel allocates, so that it is released with the step */
        List<?> build(INDArray[] inputs, INDArray output, List<INDArray> scratch);
    }

    /** The shape of a fused kernel's output, from its input arrays. */
    @FunctionalInterface
    public interface OutputShape {
        long[] of(INDArray[] inputs);
    }

    /**
     * A step of a fused kernel written in Java, reading and writing the bound arrays' host memory: CPU backend only
     * (compiling one elsewhere fails).
     *
     * @param name what the profile calls it
     * @param body the computation, run once per run of the graph, in order with the ops
     */
    public record HostOp(String name, Runnable body) {
    }

    /**
     * A value computed by a kernel instead of by the ops of the function.
     *
     * @param output the value's name in the function
     * @param inputs names of the values the kernel reads
     * @param shape  the output's shape
     * @param kernel the steps that compute it
     */
    public record Fused(String output, List<String> inputs, OutputShape shape, Kernel kernel) {
        /** A kernel whose output has the shape of its first input. */
        public Fused(String output, List<String> inputs, Kernel kernel) {
            this(output, inputs, in -> in[0].shape(), kernel);
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

    /** Number of ops executed per run. */
    public int size() {
        return ops.length;
    }

    /** Releases the contexts and the arrays this step allocated. */
    @Override
    public void close() {
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

    private static INDArray output(SameDiff fn, String name, long[] shape, Map<String, INDArray> bound,
            List<INDArray> owned) {
        // Many ops have several valid output types; SameDiff uses the variable's, and so does this.
        DataType dt = fn.getVariable(name).dataType();
        INDArray b = bound.get(name);
        if (b != null) {
            if (!java.util.Arrays.equals(b.shape(), shape) || b.dataType() != dt) {
                throw new IllegalStateException("output " + name + " is " + dt + java.util.Arrays.toString(shape)
                        + " but the array bound to it is " + b.dataType() + java.util.Arrays.toString(b.shape()));
            }
            return b;
        }
        INDArray a = Nd4j.create(dt, shape);
        owned.add(a);
        return a;
    }

    private static INDArray arrayOf(SameDiff fn, String name, Map<String, INDArray> leaves,
            Map<String, INDArray> arrays) {
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

    /**
     * Ops (and fused kernels) that compute {@code targets}, dependencies first (depth-first post-order): each
     * element a {@link SameDiffOp} or a {@link Fused}.
     */
    private static List<Object> topologicalOrder(SameDiff fn, Set<String> targets, Map<String, Fused> fused) {
        List<Object> order = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        for (String t : targets) {
            visit(fn, t, visited, order, fused);
        }
        return order;
    }

    private static void visit(SameDiff fn, String var, Set<String> visitedOps, List<Object> order,
            Map<String, Fused> fused) {
        Variable meta = fn.getVariables().get(var);
        if (meta == null) {
            throw new IllegalArgumentException("no variable " + var + " in the function");
        }
        Fused f = fused.get(var);
        if (f != null) {
            if (visitedOps.add("fused:" + var)) {
                for (String in : f.inputs()) {
                    visit(fn, in, visitedOps, order, fused);
                }
                order.add(f);
            }
            return;
        }
        String opName = meta.getOutputOfOp();
        if (opName == null || visitedOps.contains(opName)) {
            return;
        }
        visitedOps.add(opName);
        SameDiffOp op = fn.getOps().get(opName);
        if (op.getControlDeps() != null && !op.getControlDeps().isEmpty()) {
            throw new IllegalStateException("cannot compile op " + opName + ": control dependencies are not supported");
        }
        if (op.getInputsToOp() != null) {
            for (String in : op.getInputsToOp()) {
                visit(fn, in, visitedOps, order, fused);
            }
        }
        order.add(op);
    }
}
