package io.vae4j.core.eval;

import io.vae4j.core.exec.CompiledGraph;
import io.vae4j.core.exec.Fused;
import io.vae4j.core.exec.GraphCompiler;
import io.vae4j.core.graph.VaeNames;
import io.vae4j.core.kernel.BernoulliKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The model's forward computations (encoding, decoding, loss terms) run as {@link CompiledGraph}s instead of
 * {@code SameDiff.output}, which plans, infers shapes and allocates anew at every call. A function is compiled for
 * a set of inputs and outputs and a number of rows; inputs of more rows run in blocks of at most {@value #BLOCK}.
 * Every output of this graph is computed row by row, so blocks and their concatenation give the same values as
 * one call over all rows. The few most recently used functions are kept; older ones are released.
 *
 * <p>Not thread-safe, like the model.
 */
public final class Inference implements AutoCloseable {
    /** Rows per compiled call: bounds the memory of one call whatever the input size. */
    public static final int BLOCK = 4096;
    private static final int KEEP = 8;

    private final SameDiff sd;
    private final LinkedHashMap<String, Compiled> cache = new LinkedHashMap<>(16, 0.75f, true);

    public Inference(SameDiff sd) {
        this.sd = sd;
    }

    /** A compiled function with the input buffers its placeholders are bound to: fill them, run, read. */
    public record Compiled(CompiledGraph graph, Map<String, INDArray> inputs) {
    }

    /**
     * Computes {@code outputs} for the given placeholder values, all with the same number of rows n; returns new
     * arrays of n rows.
     */
    public Map<String, INDArray> run(Map<String, INDArray> inputs, String... outputs) {
        long n = -1;
        for (INDArray a : inputs.values()) {
            if (n >= 0 && a.size(0) != n) {
                throw new IllegalArgumentException("inputs with different numbers of rows: " + n + " and " + a.size(0));
            }
            n = a.size(0);
        }
        if (n < 1) {
            throw new IllegalArgumentException("no rows to compute: the inputs are empty");
        }
        Map<String, List<INDArray>> parts = new HashMap<>();
        for (long start = 0; start < n; start += BLOCK) {
            int rows = (int) Math.min(BLOCK, n - start);
            Compiled c = compiled(inputs, rows, outputs);
            for (Map.Entry<String, INDArray> e : inputs.entrySet()) {
                INDArray block = rows == n ? e.getValue() : e.getValue().get(rowRange(e.getValue(), start, rows));
                c.inputs().get(e.getKey()).assign(block);
            }
            c.graph().run();
            for (String o : outputs) {
                parts.computeIfAbsent(o, k -> new ArrayList<>()).add(c.graph().value(o).dup());
            }
        }
        Map<String, INDArray> out = new HashMap<>();
        for (String o : outputs) {
            List<INDArray> p = parts.get(o);
            out.put(o, p.size() == 1 ? p.get(0) : Nd4j.concat(0, p.toArray(new INDArray[0])));
        }
        return out;
    }

    /** One output; see {@link #run}. */
    public INDArray single(Map<String, INDArray> inputs, String output) {
        return run(inputs, output).get(output);
    }

    private static INDArrayIndex[] rowRange(INDArray a, long start, int rows) {
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        idx[0] = NDArrayIndex.interval(start, start + rows);
        for (int i = 1; i < idx.length; i++) {
            idx[i] = NDArrayIndex.all();
        }
        return idx;
    }

    /**
     * The function computing {@code outputs} for {@code rows} rows of the given placeholders (each array gives the
     * type and the trailing dimensions of its placeholder), compiled on first use and kept among the recent ones.
     * For callers that write their inputs straight into the bound buffers.
     */
    public Compiled compiled(Map<String, INDArray> inputs, int rows, String... outputs) {
        String key = String.join(",", inputs.keySet().stream().sorted().toList()) + "->" + String.join(",", outputs)
                + "@" + rows;
        Compiled c = cache.get(key);
        if (c != null) {
            return c;
        }
        Map<String, INDArray> buffers = new HashMap<>();
        for (Map.Entry<String, INDArray> e : inputs.entrySet()) {
            long[] shape = e.getValue().shape().clone();
            shape[0] = rows;
            buffers.put(e.getKey(), Nd4j.create(e.getValue().dataType(), shape));
        }
        // Compiling runs each op once on the (zero) buffers; any random op is restored by CompiledGraph.
        Set<String> wanted = new HashSet<>(Arrays.asList(outputs));
        CompiledGraph graph = GraphCompiler.compile(sd, buffers, Map.of(), wanted, kernels(wanted));
        c = new Compiled(graph, buffers);
        cache.put(key, c);
        if (cache.size() > KEEP) {
            String eldest = cache.keySet().iterator().next();
            release(cache.remove(eldest));
        }
        return c;
    }

    /**
     * The Java kernel of {@link BernoulliKernels#scoring} for each wanted per-example Bernoulli NLL (the fixed-noise
     * branch's reconstruction term, the decoding branch's NLL) where it runs; the graph's ops elsewhere. It replaces
     * five element-wise ops and a row sum over [rows, pixels], a share of importance sampling's time comparable to its
     * matrix products.
     */
    private Map<String, Fused> kernels(Set<String> wanted) {
        Map<String, Fused> fused = new HashMap<>();
        for (String[] branch : new String[][] {{VaeNames.RECON_EPS, VaeNames.EPS_PREFIX},
                {VaeNames.NLL_Z, VaeNames.Z_PREFIX}}) {
            String relu = branch[1] + VaeNames.NLL_RELU_SUFFIX;
            if (!wanted.contains(branch[0]) || !sd.hasVariable(relu)) {
                continue; // not wanted, or a Gaussian likelihood
            }
            String logits = sd.getOps().get(sd.getVariables().get(relu).getOutputOfOp()).getInputsToOp().get(0);
            if (!BernoulliKernels.onHost(sd.getVariable(logits).dataType())) {
                continue;
            }
            String target = null; // the other factor of the term l * x
            for (String op : sd.getVariables().get(logits).getInputsForOp()) {
                List<String> in = sd.getOps().get(op).getInputsToOp();
                if (sd.getOps().get(op).getOp() instanceof MulOp && in.size() == 2) {
                    target = in.get(0).equals(logits) ? in.get(1) : in.get(0);
                }
            }
            if (target == null) {
                throw new IllegalStateException("the graph's " + branch[0] + " has no product of logits and targets");
            }
            fused.put(branch[0], new Fused(branch[0], List.of(logits, target),
                    in -> new long[] {in[0].size(0)}, BernoulliKernels.scoring()));
        }
        return fused;
    }

    private static void release(Compiled c) {
        c.graph().close();
        c.inputs().values().forEach(INDArray::close);
    }

    @Override
    public void close() {
        cache.values().forEach(Inference::release);
        cache.clear();
    }
}
