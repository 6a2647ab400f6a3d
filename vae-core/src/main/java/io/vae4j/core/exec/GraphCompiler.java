package io.vae4j.core.exec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseOp;
import org.nd4j.linalg.api.ops.BaseReduceOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Compiles the part of a SameDiff function that computes chosen values into a {@link CompiledGraph}: the ops needed,
 * in topological order, each bound once to its arrays and to an {@link OpContext}, as SameDiff's
 * {@code InferenceSession.getAndParameterizeOp} parameterises an op for one call (arguments, legacy reduce axes and
 * scalars, output shapes and data types).
 *
 * <p>Ops that only compute unused outputs are pruned. Each op passes through the {@link #REWRITES}, in order; the
 * first rule that applies replaces it, and an op no rule takes is compiled as it is. Values a caller computes with
 * its own {@link Fused} kernels replace the ops that compute them.
 */
public final class GraphCompiler {
    /** The rewrite rules, applied in this order. */
    static final List<Rewrite> REWRITES = List.of(new IdentityRewrite(), new MatmulBpRewrite(), new AddBpRewrite(),
            new AxisSumRewrite(), new ReluBpRewrite());

    private GraphCompiler() {
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
     * @param fused        values to compute with a kernel instead of the ops that compute them in {@code fn}
     */
    public static CompiledGraph compile(SameDiff fn, Map<String, INDArray> leaves, Map<String, INDArray> boundOutputs,
            Set<String> wanted, Map<String, Fused> fused) {
        // Compiling runs every op once; random ops must not use up the generator's stream doing so.
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
                op(c, (SameDiffOp) node);
            }
        }
        Map<String, INDArray> values = new LinkedHashMap<>();
        for (String w : targets) {
            values.put(w, c.in(w));
        }
        return new CompiledGraph(c.ops.toArray(new DifferentialFunction[0]), c.contexts.toArray(new OpContext[0]),
                c.host.toArray(new Step.Host[0]), values, c.owned);
    }

    private static void op(Compilation c, SameDiffOp sdo) {
        List<String> inNames = sdo.getInputsToOp() == null ? List.of() : sdo.getInputsToOp();
        INDArray[] in = new INDArray[inNames.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = c.in(inNames.get(i));
        }
        List<String> outNames = sdo.getOutputsOfOp();
        for (Rewrite r : REWRITES) {
            if (r.apply(c, sdo, in, outNames)) {
                return;
            }
        }
        generic(c, sdo, in, outNames);
    }

    /** An op as it is, parameterised for these arrays. */
    private static void generic(Compilation c, SameDiffOp sdo, INDArray[] in, List<String> outNames) {
        DifferentialFunction df = sdo.getOp();
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
                oc.setOutputArray(i, c.out(outNames.get(i), shapes.get(i).getShape()));
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
            oc.setOutputArray(0, c.out(outNames.get(0), shapes.get(0).getShape()));
        } else {
            throw new IllegalStateException("cannot compile op " + sdo.getName() + " of type "
                    + df.getClass().getSimpleName() + " for the training step");
        }
        c.add(df, oc);
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
