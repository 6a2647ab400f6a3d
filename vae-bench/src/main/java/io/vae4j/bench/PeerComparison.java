package io.vae4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vae4j.core.backend.NativeBuild;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * vae4j and PyTorch side by side, measured by this runner on this machine in one run: the reference protocol
 * (MLP 784-400-20, summed BCE + KL, Adam 1e-3, batch 128, the real MNIST training set) trained for a few whole
 * epochs by each, pinned with {@code taskset} to one core and then to all usable cores. Reports the first epoch,
 * the steady state (mean of the later epochs), the peak resident set size and the ratios to PyTorch.
 *
 * <p>vae4j runs as {@link EpochRun} in its own JVM, once per native build (quick mode: the one chosen
 * automatically; full mode: every build in the jar that this CPU runs). Full mode adds the conv VAE of
 * {@code ./vae train --arch conv} on the first 12,000 training images. PyTorch runs the project's
 * {@code scripts/pytorch-reference.py} (shipped inside the jar) with Debian's {@code python3-torch}, in its fastest
 * configuration on this machine: each BLAS it can load ({@link PeerBlas}) and OpenBLAS thread count is probed, and
 * the fastest is measured; a row on the reference BLAS is flagged and gets no ratio. Without PyTorch the table says
 * why. With {@code --isa avx2} both sides run limited alike ({@link IsaLimit}).
 */
final class PeerComparison {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIMIT = Duration.ofMinutes(20);
    /** A probe slower than this is not PyTorch at its best (the reference BLAS takes minutes). */
    private static final Duration PROBE_LIMIT = Duration.ofMinutes(3);
    private static final String PYTHON = "/usr/bin/python3";
    private static final int IWAE_K = 1000;

    /** Training images per epoch of the batch-size sweep, and its epochs (the steady rate is of the later ones). */
    static final int SWEEP_IMAGES = 6_000;
    static final int SWEEP_EPOCHS = 3;

    private final BenchRunner.Options options;
    private int failures;
    /** PyTorch's fastest configuration for the MLP, by core count, as the probe found it. */
    private final Map<Integer, PeerBlas.Probe> fastestMlp = new java.util.HashMap<>();

    PeerComparison(BenchRunner.Options options) {
        this.options = options;
    }

    /** Runs failed (not counting a PyTorch that is not installed). */
    int failures() {
        return failures;
    }

    ObjectNode run() throws IOException, InterruptedException {
        ObjectNode out = JSON.createObjectNode();
        out.put("epochs", options.peerEpochs());
        out.put("data", options.data().toString());
        ArrayNode rows = out.putArray("rows");
        Set<Integer> coreCounts = new LinkedHashSet<>();
        int all = Runtime.getRuntime().availableProcessors();
        if (options.cores() > 0) {
            coreCounts.add(options.cores());
        } else {
            coreCounts.add(1);
            coreCounts.add(all);
        }
        List<String> builds = new ArrayList<>();
        if (options.full()) {
            for (String b : NativeBuild.present()) {
                if (NativeBuild.runs(b, options.isa().flags(NativeBuild.cpuFlags()))) {
                    builds.add(b);
                }
            }
        } else {
            builds.add("auto");
        }
        String torchMissing = torchMissing();
        Path script = torchMissing == null ? extractScript() : null;
        List<String> models = options.full() ? List.of("mlp", "conv") : List.of("mlp");
        try {
            for (String model : models) {
                for (int cores : coreCounts) {
                    ObjectNode torch = null;
                    if (torchMissing != null) {
                        rows.add(JSON.createObjectNode().put("impl", "pytorch").put("model", model)
                                .put("cores", cores).put("not_run", torchMissing));
                    } else {
                        torch = pytorch(script, model, cores);
                        rows.add(torch);
                    }
                    for (String build : builds) {
                        ObjectNode row = vae4j(build, model, cores);
                        // no ratio against a PyTorch on the reference BLAS: it would flatter us tenfold
                        if (torch != null && torch.has("steady") && row.has("steady")
                                && !torch.has("reference_blas")) {
                            row.put("ratio_first", row.get("first").asDouble() / torch.get("first").asDouble());
                            row.put("ratio_steady", row.get("steady").asDouble() / torch.get("steady").asDouble());
                            row.put("ratio_rss", row.get("peak_rss_mb").asDouble()
                                    / torch.get("peak_rss_mb").asDouble());
                        if (row.has("iwae_seconds") && torch.has("iwae_seconds")) {
                            // a speed ratio: > 1 means vae4j is faster
                            row.put("ratio_iwae", torch.get("iwae_seconds").asDouble()
                                    / row.get("iwae_seconds").asDouble());
                        }
                        }
                        rows.add(row);
                    }
                }
            }
            if (script != null) {
                out.set("sweep", sweep(script, coreCounts));
            }
        } finally {
            if (script != null) {
                Files.deleteIfExists(script);
            }
        }
        return out;
    }

    /** The batch sizes of the sweep: the JMH sweep's three, and three more in full mode. */
    List<Integer> sweepBatches() {
        return options.full() ? List.of(32, 64, 128, 256, 512, 1024) : List.of(32, 128, 512);
    }

    /**
     * The reference MLP trained by both at each batch size of the sweep and each core count, on the first
     * {@value #SWEEP_IMAGES} MNIST training images, {@value #SWEEP_EPOCHS} epochs each: vae4j with the build
     * {@link NativeBuild} picks, PyTorch with the configuration its probe found fastest for that core count. Each
     * vae4j row has its steady-state ratio to the PyTorch row of the same point.
     */
    private ArrayNode sweep(Path script, Set<Integer> coreCounts) throws IOException, InterruptedException {
        ArrayNode rows = JSON.createArrayNode();
        for (int cores : coreCounts) {
            PeerBlas.Probe best = fastestMlp.get(cores);
            for (int batch : sweepBatches()) {
                ObjectNode torch = null;
                if (best != null && !PeerBlas.reference(best.loaded())) {
                    System.err.println("[peer] sweep: PyTorch, batch " + batch + ", " + cores + " core(s)");
                    torch = row("pytorch", "mlp", cores, ChildProcess.run(torchCommand(script, "mlp", cores,
                            SWEEP_EPOCHS, SWEEP_IMAGES, 0, batch), pytorchEnv(cores, best.blas(),
                            best.openblasThreads()), LIMIT)).put("batch", batch);
                    rows.add(torch);
                }
                System.err.println("[peer] sweep: vae4j, batch " + batch + ", " + cores + " core(s)");
                ObjectNode ours = epochRun("auto", "mlp", cores, SWEEP_EPOCHS, SWEEP_IMAGES, 0, batch)
                        .put("batch", batch);
                if (torch != null && torch.has("steady") && ours.has("steady")) {
                    ours.put("ratio_steady", ours.get("steady").asDouble() / torch.get("steady").asDouble());
                }
                rows.add(ours);
            }
        }
        return rows;
    }

    /** The importance-weighted NLL is timed (k = 1000, 1,000 test images) for the reference MLP. */
    private static int iwaeK(String model) {
        return model.equals("mlp") ? IWAE_K : 0;
    }

    /** Training images per epoch: all for the MLP, the first 12,000 for the (much slower) conv VAE. */
    private static int limit(String model) {
        return model.equals("conv") ? 12_000 : 0;
    }

    private ObjectNode vae4j(String build, String model, int cores) throws IOException, InterruptedException {
        System.err.println("[peer] vae4j " + model + ", native build " + build + ", " + cores + " core(s): "
                + options.peerEpochs() + " epochs of MNIST");
        return epochRun(build, model, cores, options.peerEpochs(), limit(model), iwaeK(model), 128);
    }

    /** {@link EpochRun} in a JVM of its own, pinned to {@code cores}, started with the options of {@code ./vae}. */
    private ObjectNode epochRun(String build, String model, int cores, int epochs, int limit, int iwaeK, int batch)
            throws IOException, InterruptedException {
        List<String> cmd = pinned(cores);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the JVM options ./vae starts the application with (see the launcher): what users get
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Xmx512m", "-Dorg.bytedeco.javacpp.maxbytes=1g"));
        cmd.addAll(options.isa().jvmOptions());
        cmd.add("-Dvae.native=" + options.isa().build(build));
        cmd.add("-D" + BenchModels.EXPECTED_BACKEND + "=cpu");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EpochRun.class.getName(),
                options.data().toString(), Integer.toString(epochs), model, Integer.toString(limit),
                Integer.toString(iwaeK), Integer.toString(batch)));
        Map<String, String> env = threads(cores);
        env.put("BACKEND_PRIORITY_CPU", "100");
        env.put("BACKEND_PRIORITY_GPU", "-100");
        env.putAll(options.isa().environment());
        return row("vae4j", model, cores, ChildProcess.run(cmd, env, LIMIT));
    }

    /** {@code scripts/pytorch-reference.py} pinned to {@code cores}, ending with a RESULT line. */
    private List<String> torchCommand(Path script, String model, int cores, int epochs, int limit, int iwaeK,
            int batch) {
        List<String> cmd = pinned(cores);
        cmd.addAll(List.of(PYTHON, script.toString(), "--json", "--data", options.data().toString(), "--epochs",
                Integer.toString(epochs), "--threads", Integer.toString(cores), "--arch", model, "--limit",
                Integer.toString(limit), "--batch", Integer.toString(batch), "--iwae-k", Integer.toString(iwaeK),
                "--iwae-n", "1000"));
        return cmd;
    }

    /**
     * PyTorch at its best here: a short probe (one epoch of a few thousand images) with each BLAS it can load and
     * each OpenBLAS thread count (1, and the cores given when more than one), then the measured run with the
     * fastest. The row names the BLAS the process loaded and lists the probes.
     */
    private ObjectNode pytorch(Path script, String model, int cores) throws IOException, InterruptedException {
        List<PeerBlas.Probe> probes = new ArrayList<>();
        Path cache = Path.of(System.getProperty("user.home"), ".vae4j", PeerBlas.CACHE_NAME);
        for (PeerBlas.Candidate blas : PeerBlas.candidates(cache)) {
            if (blas.problem() != null) {
                probes.add(new PeerBlas.Probe(blas, 0, Double.NaN, "", blas.problem()));
                continue;
            }
            for (int openblasThreads : cores > 1 ? List.of(1, cores) : List.of(1)) {
                List<String> cmd = torchCommand(script, model, cores, 1, model.equals("conv") ? 2000 : 12_000, 0,
                        128);
                System.err.println("[peer] PyTorch " + model + ", " + cores + " core(s): probing " + blas.name()
                        + " with OPENBLAS_NUM_THREADS=" + openblasThreads);
                ChildProcess p = ChildProcess.run(cmd, pytorchEnv(cores, blas, openblasThreads), PROBE_LIMIT);
                String result = p.line("RESULT ");
                if (!p.ok() || result == null) {
                    probes.add(new PeerBlas.Probe(blas, openblasThreads, Double.NaN, "", p.exitCode() == -1
                            ? "slower than " + PROBE_LIMIT.toMinutes() + " minutes for the probe" : p.tail()));
                    continue;
                }
                JsonNode r = JSON.readTree(result);
                probes.add(new PeerBlas.Probe(blas, openblasThreads, r.get("samples_per_s").get(0).asDouble(),
                        r.get("blas").asText(), null));
            }
        }
        ArrayNode search = JSON.createArrayNode();
        for (PeerBlas.Probe p : probes) {
            ObjectNode o = search.addObject().put("candidate", p.blas().name())
                    .put("openblas_threads", p.openblasThreads());
            if (p.failed() != null) {
                o.put("failed", p.failed());
            } else {
                o.put("loaded", p.loaded()).put("samples_per_s", p.samplesPerSecond());
            }
        }
        PeerBlas.Probe best = PeerBlas.fastest(probes).orElse(null);
        if (best != null && model.equals("mlp")) {
            fastestMlp.put(cores, best);
        }
        if (best == null) {
            failures++;
            ObjectNode row = JSON.createObjectNode().put("impl", "pytorch").put("model", model).put("cores", cores)
                    .put("failed", "no BLAS configuration ran: " + probes.get(0).failed());
            row.set("blas_search", search);
            return row;
        }
        List<String> cmd = torchCommand(script, model, cores, options.peerEpochs(), limit(model), iwaeK(model),
                128);
        System.err.println("[peer] PyTorch " + model + ", " + cores + " core(s): " + options.peerEpochs()
                + " epochs of MNIST with " + best.blas().name() + ", OPENBLAS_NUM_THREADS=" + best.openblasThreads());
        ObjectNode row = row("pytorch", model, cores, ChildProcess.run(cmd,
                pytorchEnv(cores, best.blas(), best.openblasThreads()), LIMIT));
        row.set("blas_search", search);
        if (row.has("what")) {
            String loaded = row.path("blas").asText();
            row.put("what", row.get("what").asText() + ", OPENBLAS_NUM_THREADS=" + best.openblasThreads()
                    + " (" + PeerBlas.describe(loaded) + "; fastest of " + search.size() + " configurations probed)");
            if (PeerBlas.reference(loaded)) {
                row.put("reference_blas", true); // a peer crippled by its BLAS: no ratio against it
                row.put("what", row.get("what").asText() + "; REFERENCE BLAS, no ratio: install Debian's "
                        + "libopenblas0-openmp for a fair peer");
            }
        }
        return row;
    }

    /** The environment of a PyTorch run: the threads, and the BLAS directory first on the library path. */
    private Map<String, String> pytorchEnv(int cores, PeerBlas.Candidate blas, int openblasThreads) {
        Map<String, String> env = threads(cores);
        env.putAll(options.isa().environment());
        env.put("OPENBLAS_NUM_THREADS", Integer.toString(openblasThreads));
        if (blas.dir() != null) {
            String old = System.getenv("LD_LIBRARY_PATH");
            env.put("LD_LIBRARY_PATH", blas.dir() + (old == null || old.isEmpty() ? "" : ":" + old));
        }
        return env;
    }

    private ObjectNode row(String impl, String model, int cores, ChildProcess p) throws IOException {
        ObjectNode row = JSON.createObjectNode().put("impl", impl).put("model", model).put("cores", cores);
        String result = p.line("RESULT ");
        if (!p.ok() || result == null) {
            failures++;
            return row.put("failed", (p.exitCode() == -1 ? "killed after " + LIMIT.toMinutes() + " minutes"
                    : "exit code " + p.exitCode()) + ": " + p.tail());
        }
        JsonNode r = JSON.readTree(result);
        List<Double> rates = new ArrayList<>();
        r.get("samples_per_s").forEach(v -> rates.add(v.asDouble()));
        double steady = rates.subList(1, rates.size()).stream().mapToDouble(Double::doubleValue).average()
                .orElse(Double.NaN);
        row.put("first", rates.get(0));
        row.put("steady", steady);
        row.put("peak_rss_mb", r.get("peak_rss_mb").asDouble());
        row.put("peak_rss_end_mb", r.path("peak_rss_end_mb").asDouble(Double.NaN));
        if (r.has("iwae_seconds")) {
            row.put("iwae_seconds", r.get("iwae_seconds").asDouble());
            row.put("iwae_nll", r.get("iwae_nll").asDouble());
        }
        row.put("what", impl.equals("vae4j")
                ? "native build " + r.get("native").asText() + (r.get("onednn").asBoolean() ? " (oneDNN)" : "")
                        + ", " + r.get("threads").asInt() + " threads, step compiled in "
                        + String.format(Locale.ROOT, "%.1f s", r.get("prepare_s").asDouble())
                : "torch " + r.get("torch").asText() + ", " + r.get("threads").asInt() + " threads, BLAS "
                        + r.get("blas").asText());
        if (r.has("blas")) {
            row.put("blas", r.get("blas").asText());
        }
        if (impl.equals("vae4j")) {
            row.put("native", r.get("native").asText()); // bench compare tells full mode's builds apart by it
        }
        System.err.printf(Locale.ROOT, "[peer] %s %s, %d core(s): first epoch %,.0f samples/s, steady %,.0f, peak "
                + "RSS %.0f MB%n", impl, model, cores, rates.get(0), steady, r.get("peak_rss_mb").asDouble());
        return row;
    }

    /** {@code taskset -c 0-(n-1)}: the process may use exactly n cores. */
    private static List<String> pinned(int cores) {
        List<String> cmd = new ArrayList<>();
        cmd.add("taskset");
        cmd.add("-c");
        cmd.add(cores == 1 ? "0" : "0-" + (cores - 1));
        return cmd;
    }

    private static Map<String, String> threads(int cores) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OMP_NUM_THREADS", Integer.toString(cores));
        env.put("OPENBLAS_NUM_THREADS", Integer.toString(cores));
        return env;
    }

    /** Why PyTorch cannot run here, or null if Debian's python3-torch imports. */
    static String torchMissing() throws InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return PYTHON + " not found; install Debian's python3-torch python3-numpy libopenblas0-openmp";
        }
        try {
            ChildProcess p = ChildProcess.run(List.of(PYTHON, "-c", "import torch, numpy"), Map.of(),
                    Duration.ofMinutes(2));
            if (!p.ok()) {
                return "PyTorch is not installed for " + PYTHON + " (" + p.tail() + "); install Debian's "
                        + "python3-torch python3-numpy libopenblas0-openmp";
            }
        } catch (IOException e) {
            return "could not start " + PYTHON + ": " + e.getMessage();
        }
        return null;
    }

    private static Path extractScript() throws IOException {
        Path script = Files.createTempFile("pytorch-reference", ".py");
        try (InputStream in = PeerComparison.class.getResourceAsStream("pytorch-reference.py")) {
            if (in == null) {
                throw new IOException("pytorch-reference.py is missing from this jar; rebuild vae-bench");
            }
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return script;
    }

    static String markdown(JsonNode peer) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%nSide by side with PyTorch: the reference protocol on MNIST (conv: the "
                + "first 12,000 images), %d epochs each, samples/s (first epoch; steady = mean of the later ones)%n%n",
                peer.get("epochs").asInt()));
        sb.append("| impl | model | cores | what ran | first epoch | steady | peak RSS MB (training) "
                + "| IWAE k=1000, 1,000 images "
                + "| ratio first | ratio steady | ratio RSS | ratio IWAE speed |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : peer.get("rows")) {
            if (r.has("not_run") || r.has("failed")) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s: %s | | | | | | | | |%n",
                        r.get("impl").asText(), r.path("model").asText(), r.get("cores").asInt(), r.has("failed") ? "FAILED" : "not run",
                        (r.has("failed") ? r.get("failed") : r.get("not_run")).asText().replace("|", "/")));
                continue;
            }
            String iwae = r.has("iwae_seconds") ? String.format(Locale.ROOT, "%.1f s (NLL %.2f; peak RSS then %.0f MB)",
                    r.get("iwae_seconds").asDouble(), r.get("iwae_nll").asDouble(), r.get("peak_rss_end_mb").asDouble())
                    : "";
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %,.0f | %,.0f | %.0f | %s | %s | %s | %s | %s |%n",
                    r.get("impl").asText(), r.get("model").asText(), r.get("cores").asInt(), r.get("what").asText(),
                    r.get("first").asDouble(), r.get("steady").asDouble(), r.get("peak_rss_mb").asDouble(), iwae,
                    ratio(r, "ratio_first"), ratio(r, "ratio_steady"), ratio(r, "ratio_rss"), ratio(r, "ratio_iwae")));
        }
        if (peer.has("sweep") && !peer.get("sweep").isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nThe batch-size sweep side by side: the same MLP on the first %,d "
                    + "MNIST training images, %d epochs, steady samples/s (PyTorch in the configuration above for "
                    + "its core count)%n%n| cores | batch | PyTorch | vae4j | ratio |%n|---|---|---|---|---|%n",
                    SWEEP_IMAGES, SWEEP_EPOCHS));
            Map<String, JsonNode> torch = new LinkedHashMap<>();
            for (JsonNode r : peer.get("sweep")) {
                if (r.get("impl").asText().equals("pytorch")) {
                    torch.put(r.get("cores").asInt() + "/" + r.get("batch").asInt(), r);
                }
            }
            for (JsonNode r : peer.get("sweep")) {
                if (!r.get("impl").asText().equals("vae4j")) {
                    continue;
                }
                JsonNode t = torch.get(r.get("cores").asInt() + "/" + r.get("batch").asInt());
                sb.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s |%n", r.get("cores").asInt(),
                        r.get("batch").asInt(), steady(t), steady(r), ratio(r, "ratio_steady")));
            }
        }
        for (JsonNode r : peer.get("rows")) {
            if (!r.has("blas_search")) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%nPyTorch's configurations probed (%s, %d core(s); one epoch of "
                    + "12,000 images, samples/s):%n", r.path("model").asText(), r.get("cores").asInt()));
            for (JsonNode p : r.get("blas_search")) {
                sb.append(String.format(Locale.ROOT, "- %s, OPENBLAS_NUM_THREADS=%d: %s%n", p.get("candidate").asText(),
                        p.get("openblas_threads").asInt(), p.has("failed") ? "not run: " + p.get("failed").asText()
                        : String.format(Locale.ROOT, "%,.0f (%s)", p.get("samples_per_s").asDouble(),
                                PeerBlas.describe(p.get("loaded").asText()))));
            }
        }
        return sb.toString();
    }

    /** A sweep row's steady rate, or why it has none. */
    private static String steady(JsonNode r) {
        if (r == null) {
            return "not run";
        }
        return r.has("steady") ? String.format(Locale.ROOT, "%,.0f", r.get("steady").asDouble())
                : "FAILED: " + r.path("failed").asText().replace("|", "/");
    }

    private static String ratio(JsonNode r, String key) {
        return r.has(key) ? String.format(Locale.ROOT, "%.2fx", r.get(key).asDouble()) : "";
    }
}
