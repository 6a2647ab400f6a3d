package io.vae4j.core.kernel;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.dnnl_a;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_logistic;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

import io.vae4j.core.backend.HostKernels;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * s = sigmoid(l), element by element, through oneDNN's logistic primitive, called directly on two FLOAT arrays in
 * host memory (JavaCPP's bindings of oneDNN, {@code org.bytedeco:dnnl}).
 *
 * <p>Why not an ND4J op: libnd4j 1.0.0-M2.1 computes sigmoid in its own loop, an exp per element, and hands
 * tanh alone of the element-wise functions to oneDNN, whose tanh kernel for AVX2 CPUs takes several times as long
 * as its logistic kernel (docs/performance.md, "Importance sampling"). The Bernoulli kernels need s alone. The
 * bindings' native libraries come with the CPU backend of this project's builds; where they do not load
 * ({@link #available} false, e.g. a GPU-only class path) the kernels compute s with ND4J's ops instead.
 *
 * <p>One instance is bound to its two arrays (same length, dense), like a compiled graph's ops; run it from one
 * thread at a time; close it to release the primitive.
 */
public final class Logistic implements Runnable, AutoCloseable {
    /** System property: "off" computes s with ND4J's ops even where oneDNN's bindings load. */
    public static final String PROPERTY = "vae.onednnLogistic";
    private static final Logger LOG = LoggerFactory.getLogger(Logistic.class);
    private static volatile dnnl_engine engine;
    private static volatile String unavailable;

    /** Kept so that their memory, whose addresses oneDNN holds, lives as long as this primitive. */
    private final INDArray in;
    private final INDArray out;
    private final dnnl_stream stream = new dnnl_stream();
    private final dnnl_memory src = new dnnl_memory();
    private final dnnl_memory dst = new dnnl_memory();
    private final dnnl_primitive primitive = new dnnl_primitive();
    private final dnnl_exec_arg_t args = new dnnl_exec_arg_t(2);
    private boolean closed;

    private Logistic(INDArray in, INDArray out) {
        this.in = in;
        this.out = out;
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(md, 1, new long[] {in.length()}, dnnl_f32, dnnl_a), "memory descriptor");
        dnnl_eltwise_desc_t desc = new dnnl_eltwise_desc_t();
        check(dnnl_eltwise_forward_desc_init(desc, dnnl_forward_inference, dnnl_eltwise_logistic, md, 0f, 0f),
                "logistic descriptor");
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(desc), null, engine, null), "primitive desc");
        try {
            check(dnnl_primitive_create(primitive, pd), "primitive");
        } finally {
            dnnl_primitive_desc_destroy(pd);
        }
        check(dnnl_memory_create(src, md, engine, in.data().addressPointer()), "source memory");
        check(dnnl_memory_create(dst, md, engine, out.data().addressPointer()), "destination memory");
        check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "stream");
        args.position(0).arg(DNNL_ARG_SRC).memory(src);
        args.position(1).arg(DNNL_ARG_DST).memory(dst);
        args.position(0);
    }

    /**
     * The primitive computing {@code out = sigmoid(in)}, or null where it cannot run: oneDNN's bindings unavailable,
     * an array not FLOAT, not dense or in device memory, or the two of different lengths. {@code in} and
     * {@code out} may be the same array.
     */
    public static Logistic of(INDArray in, INDArray out) {
        if (!available() || !dense(in) || !dense(out) || in.length() != out.length()) {
            return null;
        }
        return new Logistic(in, out);
    }

    /**
     * Whether oneDNN's bindings load and make a CPU engine, the arrays are in host memory, and {@value #PROPERTY} is
     * not "off". Decided once per JVM; loads ND4J.
     */
    public static boolean available() {
        if (engine == null && unavailable == null) {
            init();
        }
        return engine != null;
    }

    /** Why {@link #available} is false, or null when it is true. */
    public static String unavailableReason() {
        available();
        return unavailable;
    }

    private static synchronized void init() {
        if (engine != null || unavailable != null) {
            return;
        }
        String setting = System.getProperty(PROPERTY, "").trim();
        if (setting.equalsIgnoreCase("off") || setting.equalsIgnoreCase("false")) {
            unavailable = PROPERTY + "=off";
            return;
        }
        if (!HostKernels.hostMemory()) {
            unavailable = "the arrays are not in host memory (not the CPU backend)";
            return;
        }
        try {
            Loader.load(org.bytedeco.dnnl.global.dnnl.class);
            dnnl_engine e = new dnnl_engine();
            check(dnnl_engine_create(e, dnnl_cpu, 0), "CPU engine");
            engine = e;
        } catch (RuntimeException | LinkageError e) {
            // a class path without the bindings' natives (org.bytedeco:dnnl and :opencl for this platform)
            unavailable = "oneDNN's Java bindings did not load: " + e;
            LOG.debug("sigmoid runs on ND4J's ops: {}", unavailable);
        }
    }

    private static boolean dense(INDArray a) {
        return a.dataType() == DataType.FLOAT && !a.isView() && a.offset() == 0 && a.length() == a.data().length();
    }

    /** Computes out = sigmoid(in) on the arrays' current values. */
    @Override
    public void run() {
        if (closed) {
            throw new IllegalStateException("this logistic primitive was closed");
        }
        check(dnnl_primitive_execute(primitive, stream, 2, args), "logistic");
        check(dnnl_stream_wait(stream), "stream wait");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        dnnl_primitive_destroy(primitive);
        dnnl_memory_destroy(src);
        dnnl_memory_destroy(dst);
        dnnl_stream_destroy(stream);
        args.close();
    }

    private static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN failed to create or run its " + what + " (status " + status + ")");
        }
    }
}
