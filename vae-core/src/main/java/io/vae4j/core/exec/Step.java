package io.vae4j.core.exec;

import org.nd4j.autodiff.functions.DifferentialFunction;

/** One step of a {@link Kernel}: an ND4J op with its arrays set, or a computation in Java on host memory. */
public sealed interface Step permits Step.Op, Step.Host {

    /** An ND4J op constructed with its input and output arrays, executed as it is. */
    record Op(DifferentialFunction op) implements Step {
    }

    /**
     * A computation written in Java, reading and writing the bound arrays' host memory: compiling one where
     * {@link io.vae4j.core.backend.HostKernels#hostMemory} is false fails.
     *
     * @param name what the profile calls it
     * @param body the computation, run once per run of the graph, in order with the ops; one that is also
     *             {@link AutoCloseable} (it holds native resources) is closed with the graph
     */
    record Host(String name, Runnable body) implements Step {
    }

    /** The step of an ND4J op. */
    static Step of(DifferentialFunction op) {
        return new Op(op);
    }
}
