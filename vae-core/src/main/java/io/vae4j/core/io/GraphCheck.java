package io.vae4j.core.io;

import io.vae4j.core.config.VaeConfig;
import io.vae4j.core.graph.VaeGraph;
import io.vae4j.core.graph.VaeNames;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checks that the graph of a model file is the graph its configuration builds: the same placeholders, the same
 * parameters with the same shapes, in FLOAT or DOUBLE. A mismatch (a configuration edited by hand, a corrupted entry
 * that still parses) would otherwise fail later, deep inside ND4J.
 */
final class GraphCheck {
    private GraphCheck() {
    }

    /**
     * @return the graph's data type
     * @throws ModelFileException naming the file and the first difference
     */
    static DataType requireMatching(Path file, VaeConfig config, SameDiff graph) throws ModelFileException {
        SDVariable x = graph.hasVariable(VaeNames.X) ? graph.getVariable(VaeNames.X) : null;
        if (x == null || x.dataType() != DataType.FLOAT && x.dataType() != DataType.DOUBLE) {
            throw new ModelFileException(file, "the graph has no FLOAT or DOUBLE input placeholder " + VaeNames.X
                    + "; it is not a vae4j model graph");
        }
        SameDiff expected = VaeGraph.build(config, x.dataType());
        try {
            for (SDVariable v : expected.variables()) {
                VariableType type = v.getVariableType();
                if (type != VariableType.VARIABLE && type != VariableType.PLACEHOLDER) {
                    continue;
                }
                SDVariable got = graph.hasVariable(v.name()) ? graph.getVariable(v.name()) : null;
                if (got == null || got.getVariableType() != type) {
                    throw new ModelFileException(file, "the configuration does not match the graph: the graph has "
                            + "no " + type.name().toLowerCase(Locale.ROOT) + " " + v.name()
                            + ", which the configuration (" + config.kind() + ", " + config.architecture() + ") needs");
                }
                if (type == VariableType.VARIABLE) {
                    long[] want = v.getArr().shape();
                    INDArray arr = got.getArr();
                    if (arr == null || !Arrays.equals(want, arr.shape())) {
                        throw new ModelFileException(file, "the configuration does not match the graph: parameter "
                                + v.name() + " is " + (arr == null ? "missing" : Arrays.toString(arr.shape()))
                                + " in the graph but " + Arrays.toString(want) + " for the configuration "
                                + "(latentSize " + config.latentSize() + ", hidden " + config.encoderHidden()
                                + ", input " + config.channels() + "x" + config.height() + "x" + config.width() + ")");
                    }
                }
            }
            for (SDVariable v : graph.variables()) {
                if (v.getVariableType() == VariableType.VARIABLE && !expected.hasVariable(v.name())) {
                    throw new ModelFileException(file, "the configuration does not match the graph: the graph has a "
                            + "parameter " + v.name() + " that the configuration does not build");
                }
            }
        } finally {
            for (SDVariable v : expected.variables()) {
                INDArray a = v.getVariableType() == VariableType.VARIABLE ? v.getArr() : null;
                if (a != null && a.closeable()) {
                    a.close();
                }
            }
        }
        return x.dataType();
    }
}
