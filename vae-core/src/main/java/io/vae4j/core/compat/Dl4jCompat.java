package io.vae4j.core.compat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.imports.descriptors.tensorflow.TensorflowDescriptorParser;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * Every workaround for Deeplearning4j / ND4J 1.0.0-M2.1 in one place, each naming the upstream behaviour it works
 * around, so that an upgrade of ND4J is checked here first. Workarounds that shape the graph itself (how a value is
 * computed) are methods here too, called by the graph builder.
 */
public final class Dl4jCompat {
    /** System property: "load" keeps ND4J's parse of the TensorFlow op list (see {@link #skipTensorflowOpList}). */
    public static final String TENSORFLOW_OP_LIST_PROPERTY = "vae.tensorflowOpList";

    private Dl4jCompat() {
    }

    // ---- SameDiff's optimizer state -------------------------------------------------------------------------

    /**
     * SameDiff's optimizer state, per variable. M2.1 keeps it in the private field {@code updaterMap}, which
     * {@code save(..., true)} writes and {@code load(..., true)} restores, and has no accessor; reading it keeps the
     * saved format SameDiff's own.
     *
     * @return the map, or null when SameDiff has not set training up
     */
    @SuppressWarnings("unchecked")
    public static Map<String, GradientUpdater> updaterState(SameDiff sd) {
        try {
            Field f = SameDiff.class.getDeclaredField("updaterMap");
            f.setAccessible(true);
            return (Map<String, GradientUpdater>) f.get(sd);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this ND4J version keeps SameDiff's optimizer state elsewhere", e);
        }
    }

    /**
     * Makes SameDiff create its optimizer state for every trainable variable. M2.1 does so only inside
     * {@code fit} (the private {@code initializeTraining}); a model trained outside {@code fit} needs the state made
     * to keep its own moments in it.
     */
    public static void initializeTraining(SameDiff sd) {
        try {
            Method m = SameDiff.class.getDeclaredMethod("initializeTraining");
            m.setAccessible(true);
            m.invoke(sd);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not call SameDiff.initializeTraining", e);
        }
    }

    // ---- Arrays and the gradient function ------------------------------------------------------------------

    /**
     * Lets variables hold views. M2.1's default array holder copies views ("device local doesn't support views"),
     * so a parameter re-pointed to a view of one flat buffer would silently become a copy; the gradient function
     * already uses this simple holder.
     */
    public static void allowViewParameters(SameDiff sd) {
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), true);
    }

    /**
     * Builds SameDiff's gradient function ("grad") if it does not exist. M2.1 prints "Added differentiated op ..."
     * to {@code System.out} for every op it differentiates; an application's stdout carries its results, so stdout
     * is muted for this one call.
     */
    public static void createGradFunction(SameDiff sd) {
        if (sd.getFunction("grad") != null) {
            return;
        }
        skipTensorflowOpList();
        quietly(sd::createGradFunction);
    }

    /**
     * Runs SameDiff code that may build a gradient function (M2.1 prints a line per differentiated op to
     * {@code System.out}, see {@link #createGradFunction}) with stdout muted.
     */
    public static void quietly(Runnable r) {
        synchronized (System.class) {
            PrintStream stdout = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                r.run();
            } finally {
                System.setOut(stdout);
            }
        }
    }

    /**
     * Copies each row of {@code rows} ([1, width]) into every row of {@code block} ([m, width]). M2.1's
     * {@code assign} does not broadcast a row vector over a matrix; zeroing and adding the row does.
     */
    public static void assignRowToAll(INDArray block, INDArray row) {
        block.assign(0).addiRowVector(row);
    }

    // ---- Graph construction -----------------------------------------------------------------------------------

    /**
     * Whether a reduction over a dimension of this size must be written another way: a sum over a dimension of
     * size 1 fails inside SameDiff in M2.1 (NullPointerException in {@code BaseReduceOp.noOp}), so the graph
     * reshapes instead.
     */
    public static boolean reduceFailsOverWidth(long width) {
        return width == 1;
    }

    /**
     * Standard normal noise with as many rows as {@code like}, drawn inside the graph: {@code name}. In M2.1 a random
     * op whose shape is another variable's ({@code RandomNormal(sd, shapeVar, ...)}) returns the same values at every
     * call, so this draws a fixed [maxRows, cols] block ({@code prefix_block}) and slices it to the rows at hand.
     */
    public static SDVariable normalRowsLike(SameDiff sd, String prefix, String name, SDVariable like, DataType type,
            int maxRows, int cols) {
        SDVariable block = sd.random().normal(prefix + "_block", 0.0, 1.0, type, maxRows, cols);
        SDVariable begin = sd.constant(prefix + "_begin", Nd4j.createFromArray(0, 0));
        SDVariable size = sd.shape(prefix + "_size", like).castTo(DataType.INT32);
        return sd.slice(name, block, begin, size);
    }

    // ---- Threads ---------------------------------------------------------------------------------------------

    /**
     * Sets libnd4j's own parallel loops to {@code master} threads and the BLAS pool to {@code blas}. In M2.1
     * {@code Environment.setMaxThreads} is a no-op; {@code setMaxMasterThreads} is what libnd4j's loops read.
     */
    public static void setThreads(int master, int blas) {
        Nd4j.getEnvironment().setMaxThreads(master);
        Nd4j.getEnvironment().setMaxMasterThreads(master);
        Nd4j.factory().blas().setMaxThreads(blas);
    }

    // ---- TensorFlow's op list ----------------------------------------------------------------------------------

    /**
     * Gives ND4J an empty TensorFlow op list, unless it has parsed the real one already or the system property
     * {@value #TENSORFLOW_OP_LIST_PROPERTY} is "load". Cheap and idempotent; call before SameDiff first builds a
     * gradient function or loads a graph.
     *
     * <p>The first time SameDiff builds a gradient function or reads a saved graph, ND4J M2.1 builds its table of op
     * classes ({@code DifferentialFunctionClassHolder}), and that table parses {@code ops.proto}, TensorFlow's list of
     * op definitions (873 KB of protobuf text). Only the pre-M1 TensorFlow importer and ND4J's op-coverage logging
     * ({@code OpValidation}) read the result; the parse and the JIT work it causes delay the first epoch
     * (docs/performance.md). TensorFlow import in the same JVM is unaffected (M2.1's importer,
     * samediff-import-tensorflow, carries its own op registry), except that
     * {@code DifferentialFunctionClassHolder.getOpDefByTensorflowName} then finds nothing.
     *
     * @return whether ND4J's list is now the empty one this method set
     */
    public static boolean skipTensorflowOpList() {
        return skipTensorflowOpList(System.getProperty(TENSORFLOW_OP_LIST_PROPERTY));
    }

    static boolean skipTensorflowOpList(String setting) {
        if ("load".equalsIgnoreCase(setting == null ? "" : setting.trim())) {
            return false;
        }
        return OpList.presetEmpty();
    }

    /** Whether ND4J's TensorFlow op list is the empty one {@link #skipTensorflowOpList} set. */
    public static boolean tensorflowOpListSkipped() {
        return OpList.isPresetEmpty();
    }

    /** Reaches the parser's protected cache through a subclass, which Java allows without reflection. */
    private static final class OpList extends TensorflowDescriptorParser {
        private static final Map<String, org.tensorflow.framework.OpDef> EMPTY = Collections.emptyMap();

        static boolean presetEmpty() {
            // opDescs() is static synchronized: it locks the class, so this cannot race with a parse in progress
            synchronized (TensorflowDescriptorParser.class) {
                if (DESCRIPTORS == null) {
                    DESCRIPTORS = EMPTY;
                }
                return DESCRIPTORS == EMPTY;
            }
        }

        static boolean isPresetEmpty() {
            synchronized (TensorflowDescriptorParser.class) {
                return DESCRIPTORS == EMPTY;
            }
        }
    }
}
