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
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
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
 * reduce axes and scalars, output shapes and data types), once. Ops that only compute unused outputs are pruned, and
 * ops M2.1 runs slowly are rewritten into equivalent ones: {@code matmul_bp} into the one or two products still read,
 * {@code add_bp} of a bias into an alias and a product with ones, a sum over one axis of a matrix into a product with
 * ones, {@code relu_bp} (a {@code std::function} call per element in M2.1) into a Java loop on the CPU in FLOAT, else
 * step(x) * dy ({@code CompiledGraphTest} checks them against SameDiff's gradient). A caller may have given values
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
        Compilation c = new Compilation(fn, leaves, boundOutputs, used);
        for (Object node : order) {
            if (node instanceof Fused f) {
                c.fused(f);
            } else {
                c.op((SameDiffOp) node);
            }
        }
        Map<String, INDArray> values = new LinkedHashMap<>();
        for (String w : targets) {
            values.put(w, c.in(w));
        }
        return new CompiledGraph(c.ops.toArray(new DifferentialFunction[0]), c.contexts.toArray(new OpContext[0]),
                c.host.toArray(new HostOp[0]), values, c.owned);
    }

    /**
     * The state of one compilation: the arrays bound so far and the ops in order. Every op runs once as it is
     * added, because some shape functions read their inputs' values (slice's begin and size).
     */
    private static final class Compilation {
        /** Elements per chunk of the Java relu_bp: three chunks stay in the first-level cache. */
        private static final int CHUNK = 2048;

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
        final List<HostOp> host = new ArrayList<>();

        Compilation(SameDiff fn, Map<String, INDArray> leaves, Map<String, INDArray> bound, Set<String> used) {
            this.fn = fn;
            this.leaves = leaves;
            this.bound = bound;
            this.used = used;
        }

        INDArray in(String name) {
            return arrayOf(fn, name, leaves, arrays);
        }

        private INDArray out(String name, long[] shape) {
            INDArray a = output(fn, name, shape, bound, owned);
            arrays.put(name, a);
            return a;
        }

        private void add(DifferentialFunction op, OpContext oc) {
            exec(op, oc);
            ops.add(op);
            contexts.add(oc);
            host.add(null);
        }

        /**
         * A custom op made here, with a context of its own bound to these arrays; {@code name} says in profiles what
         * it computes.
         */
        private void custom(DynamicCustomOp op, String name, INDArray[] in, INDArray out) {
            op.setOwnName(name);
            OpContext oc = Nd4j.getExecutioner().buildContext();
            oc.setArgs(in, op.iArgs(), op.dArgs(), op.tArgs(), op.bArgs());
            oc.setOutputArray(0, out);
            add(op, oc);
        }

        private void host(HostOp h) {
            if (!DIRECT) {
                throw new IllegalStateException("kernel " + h.name() + " runs on host memory: CPU backend only");
            }
            h.body().run();
            ops.add(null);
            contexts.add(null);
            host.add(h);
        }

        void fused(Fused f) {
            INDArray[] in = new INDArray[f.inputs().size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = in(f.inputs().get(i));
            }
            INDArray out = out(f.output(), f.shape().of(in));
            for (Object step : f.kernel().build(in, out, owned)) {
                if (step instanceof HostOp h) {
                    host(h);
                } else {
                    add((DifferentialFunction) step, null);
                }
            }
        }

        void op(SameDiffOp sdo) {
            DifferentialFunction df = sdo.getOp();
            List<String> inNames = sdo.getInputsToOp() == null ? List.of() : sdo.getInputsToOp();
            INDArray[] in = new INDArray[inNames.size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = in(inNames.get(i));
            }
            List<String> outNames = sdo.getOutputsOfOp();
            if (df instanceof Identity && !bound.containsKey(outNames.get(0))) {
                arrays.put(outNames.get(0), in[0]); // pass-through, as SameDiff does
            } else if (df instanceof MmulBp mb && in.length == 3 && untransposed(mb)) {
                matmulBp(sdo.getName(), in, outNames);
            } else if (df instanceof AddBpOp && addBp(sdo.getName(), in, outNames)) {
                return;
            } else if (df instanceof Sum sum && axisSum(sdo.getName(), sum, in, outNames.get(0))) {
                return;
            } else if (df instanceof ThresholdReluBp relu && in.length == 2) {
                reluBp(sdo.getName(), in, outNames.get(0), relu.tArgs()[0]);
            } else {
                generic(sdo, df, in, outNames);
            }
        }

        /**
         * matmul_bp of C = A B as the products still read: dA = dC B^T and dB = A^T dC. M2.1's op always computes
         * both (the input placeholder's gradient too), and took twice as long as two products on small matrices.
         */
        private void matmulBp(String name, INDArray[] in, List<String> outNames) {
            INDArray a = in[0];
            INDArray b = in[1];
            INDArray dc = in[2];
            if (used.contains(outNames.get(0))) {
                INDArray da = out(outNames.get(0), a.shape());
                custom(new Mmul(dc, b, da, MMulTranspose.builder().transposeB(true).build()), name + ": dA",
                        new INDArray[] {dc, b}, da);
            }
            if (used.contains(outNames.get(1))) {
                INDArray db = out(outNames.get(1), b.shape());
                custom(new Mmul(a, dc, db, MMulTranspose.builder().transposeA(true).build()), name + ": dB",
                        new INDArray[] {a, dc}, db);
            }
        }

        /**
         * add_bp of z = x + y: the gradient of an input of z's shape is dz itself (no copy), that of a bias added to
         * every row is dz summed over the rows (a product with a row of ones; libnd4j's column sums took about 1 ns
         * per element). False when an input is neither, for the op itself to run.
         */
        private boolean addBp(String name, INDArray[] in, List<String> outNames) {
            if (in.length != 3 || outNames.size() != 2) {
                return false;
            }
            INDArray dz = in[2];
            for (int i = 0; i < 2; i++) {
                String g = outNames.get(i);
                boolean same = java.util.Arrays.equals(in[i].shape(), dz.shape()) && !bound.containsKey(g);
                if (used.contains(g) && (fn.getVariable(g).dataType() != dz.dataType() || !same && !bias(in[i], dz))) {
                    return false;
                }
            }
            for (int i = 0; i < 2; i++) {
                String g = outNames.get(i);
                if (!used.contains(g)) {
                    continue;
                }
                if (java.util.Arrays.equals(in[i].shape(), dz.shape())) {
                    arrays.put(g, dz);
                } else {
                    columnSum(name + ": bias", dz, out(g, in[i].shape()));
                }
            }
            return true;
        }

        /** Whether b, of rank 1, is broadcast along the rows of the matrix z. */
        private static boolean bias(INDArray b, INDArray z) {
            return b.rank() == 1 && z.rank() == 2 && b.size(0) == z.size(1) && floating(z);
        }

        private static boolean floating(INDArray a) {
            return a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE;
        }

        /**
         * A sum over one axis of a matrix as a product with a column (or row) of ones: libnd4j's reduction spent
         * tens of microseconds on a [128, 20] matrix. False for any other sum.
         */
        private boolean axisSum(String name, Sum sum, INDArray[] in, String outName) {
            INDArray x = in[0];
            INDArray axes = in.length == 2 ? in[1] : sum.dimensions();
            if (x.rank() != 2 || sum.isKeepDims() || !floating(x) || axes == null || axes.length() != 1
                    || fn.getVariable(outName).dataType() != x.dataType()) {
                return false;
            }
            int axis = Shape.normalizeAxis(2, axes.toIntVector())[0];
            if (axis == 1) {
                INDArray target = matrix(out(outName, new long[] {x.size(0)}), x.size(0), 1);
                INDArray column = ones(x.size(1), 1, x.dataType());
                custom(new Mmul(x, column, target, null), name, new INDArray[] {x, column}, target);
            } else {
                columnSum(name, x, out(outName, new long[] {x.size(1)}));
            }
            return true;
        }

        /** out[j] = sum over i of z[i, j]. */
        private void columnSum(String name, INDArray z, INDArray out) {
            INDArray row = ones(1, z.size(0), z.dataType());
            INDArray target = matrix(out, 1, z.size(1));
            custom(new Mmul(row, z, target, null), name, new INDArray[] {row, z}, target);
        }

        /** A vector seen as a [rows, cols] matrix, sharing its memory. */
        private static INDArray matrix(INDArray v, long rows, long cols) {
            INDArray m = v.reshape('c', rows, cols);
            if (m.data().address() + m.offset() * m.data().getElementSize()
                    != v.data().address() + v.offset() * v.data().getElementSize()) {
                throw new IllegalStateException("a reshaped output does not share its array's memory");
            }
            return m;
        }

        private INDArray ones(long rows, long cols, DataType type) {
            return ones.computeIfAbsent(type + ":" + rows + "x" + cols, k -> {
                INDArray a = Nd4j.ones(type, rows, cols);
                owned.add(a);
                return a;
            });
        }

        /**
         * relu_bp, which calls a {@code std::function} per element in M2.1 (7-10 ns each): dy where x &gt; cutoff,
         * else 0. On the CPU backend in FLOAT a Java loop the JIT vectorises; elsewhere step(x &gt; cutoff) * dy as
         * two element-wise ops.
         */
        private void reluBp(String name, INDArray[] in, String outName, double cutoff) {
            INDArray out = out(outName, in[0].shape());
            if (DIRECT && in[0].dataType() == DataType.FLOAT && in[1].dataType() == DataType.FLOAT
                    && out.dataType() == DataType.FLOAT && in[0].length() == in[1].length()
                    && out.length() <= Integer.MAX_VALUE) {
                host(reluBpHost(name, in[0], in[1], out, (float) cutoff, owned));
                return;
            }
            INDArray mask = Nd4j.create(in[0].dataType(), in[0].shape());
            owned.add(mask);
            Step step = new Step(in[0], mask, cutoff);
            step.setOwnName(name + ": step");
            MulOp product = new MulOp(mask, in[1], out);
            product.setOwnName(name + ": step * dy");
            add(step, null);
            add(product, null);
        }

        private static HostOp reluBpHost(String name, INDArray x, INDArray dy, INDArray out, float cutoff,
                List<INDArray> owned) {
            HostArray xh = new HostArray(x, owned);
            HostArray dh = new HostArray(dy, owned);
            HostArray oh = new HostArray(out, owned);
            int n = (int) out.length();
            float[] xs = new float[n];
            float[] gs = new float[n];
            return new HostOp("relu_bp " + name, () -> {
                xh.gather();
                dh.gather();
                for (int from = 0; from < n; from += CHUNK) {
                    int len = Math.min(CHUNK, n - from);
                    xh.get(xs, from, len);
                    dh.get(gs, from, len);
                    for (int k = from; k < from + len; k++) {
                        // min(max(d * 1e38 * 1e38, 0), 1) is 1 for any d > 0 (even the least subnormal), 0 for d <= 0:
                        // the step function without a branch
                        gs[k] *= Math.min(Math.max((xs[k] - cutoff) * 1e38f * 1e38f, 0f), 1f);
                    }
                    oh.put(gs, from, len);
                }
                oh.scatter();
            });
        }

        private void generic(SameDiffOp sdo, DifferentialFunction df, INDArray[] in, List<String> outNames) {
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
                    oc.setOutputArray(i, out(outNames.get(i), shapes.get(i).getShape()));
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
                oc.setOutputArray(0, out(outNames.get(0), shapes.get(0).getShape()));
            } else {
                throw new IllegalStateException("cannot compile op " + sdo.getName() + " of type "
                        + df.getClass().getSimpleName() + " for the training step");
            }
            add(df, oc);
        }
    }

    /** The products that replace matmul_bp assume the forward product had no transposes. */
    private static boolean untransposed(MmulBp op) {
        for (long t : op.iArgs()) {
            if (t != 0) {
                return false;
            }
        }
        return true;
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
