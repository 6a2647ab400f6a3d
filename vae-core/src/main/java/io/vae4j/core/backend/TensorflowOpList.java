package io.vae4j.core.backend;

import java.util.Collections;
import java.util.Map;
import org.nd4j.imports.descriptors.tensorflow.TensorflowDescriptorParser;

/**
 * Spares a process ND4J's parse of TensorFlow's op list, which nothing in vae4j reads.
 *
 * <p>The first time SameDiff builds a gradient function or reads a saved graph, ND4J 1.0.0-M2.1 builds its table of
 * op classes ({@code DifferentialFunctionClassHolder}), and that table parses {@code ops.proto}, TensorFlow's list of
 * op definitions: 873 KB of protobuf text. The result fills a map that only the pre-M1 TensorFlow importer and ND4J's
 * op-coverage logging ({@code OpValidation}) read. On one core the parse took 0.9 s, and the JIT compiler then spent
 * the first second of training compiling the parser's hot methods on the same core: the first epoch of the reference
 * model ran at 11,100-12,100 samples/s with it and 12,900-13,600 without (README, "Speed").
 *
 * <p>{@link #skip} gives ND4J an empty op list instead, if it has not parsed one yet. TensorFlow import in the same
 * JVM is unaffected (M2.1's importer, samediff-import-tensorflow, carries its own op registry), except that
 * {@code DifferentialFunctionClassHolder.getOpDefByTensorflowName} then finds nothing. Set the system property
 * {@value #PROPERTY}{@code =load} to keep ND4J's behaviour.
 */
public final class TensorflowOpList {
    /** System property: "load" keeps ND4J's parse of the TensorFlow op list. */
    public static final String PROPERTY = "vae.tensorflowOpList";

    private TensorflowOpList() {
    }

    /**
     * Gives ND4J an empty TensorFlow op list, unless it has parsed the real one already or {@value #PROPERTY} is
     * "load". Cheap and idempotent; call before SameDiff first builds a gradient function or loads a graph.
     *
     * @return whether ND4J's list is now the empty one this method set
     */
    public static boolean skip() {
        return skip(System.getProperty(PROPERTY));
    }

    static boolean skip(String setting) {
        if ("load".equalsIgnoreCase(setting == null ? "" : setting.trim())) {
            return false;
        }
        return Access.presetEmpty();
    }

    /** Whether ND4J's TensorFlow op list is the empty one {@link #skip} set. */
    public static boolean skipped() {
        return Access.isPresetEmpty();
    }

    /** Reaches the parser's protected cache through a subclass, which Java allows without reflection. */
    private static final class Access extends TensorflowDescriptorParser {
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
