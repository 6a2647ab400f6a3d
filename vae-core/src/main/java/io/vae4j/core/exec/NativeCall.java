package io.vae4j.core.exec;

import io.vae4j.core.backend.HostKernels;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * A custom op with its bound context called straight through libnd4j's {@code execCustomOp2}, the call
 * {@code Nd4j.exec(op, context)} ends in: the executioner's Java path around it (profiling hooks, a oneDNN setting
 * read through JNI, an override map, the output list) is skipped. CPU backend only: on CUDA the executioner also
 * moves arrays between host and device and sets the stream around the same call.
 */
final class NativeCall {
    private static final NativeOps NATIVE = NativeOpsHolder.getInstance().getDeviceNativeOps();

    private final long hash;
    private final Pointer context;

    private NativeCall(long hash, Pointer context) {
        this.hash = hash;
        this.context = context;
    }

    /** The direct call of an op, or null where it must go through the executioner. */
    static NativeCall of(Object op, OpContext context) {
        if (!HostKernels.hostMemory() || context == null || !(op instanceof CustomOp c)) {
            return null;
        }
        return new NativeCall(c.opHash(), context.contextPointer());
    }

    /** Runs the op; {@code label} names it in an error. */
    void run(String label) {
        int status = NATIVE.execCustomOp2(null, hash, context);
        if (status != 0) {
            throw new IllegalStateException("op " + label + " failed: " + NATIVE.lastErrorMessage());
        }
    }
}
