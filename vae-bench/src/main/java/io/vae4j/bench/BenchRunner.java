package io.vae4j.bench;

import io.vae4j.core.backend.GpuCheck;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vae4j.core.io.AtomicFiles;
import io.vae4j.mnist.bench.BenchComparison;
import io.vae4j.mnist.data.MnistFetcher;
import io.vae4j.mnist.run.RunFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the benchmarks on every ND4J backend this machine and this jar can run, each in its own JVMs (ND4J picks
 * one backend per JVM, steered by the BACKEND_PRIORITY_CPU / BACKEND_PRIORITY_GPU environment variables), and
 * writes bench-results.json and bench-results.md. A backend that cannot run gets a row that says why; a JVM that
 * loaded another backend than the one asked for is reported as such and never counted.
 *
 * <pre>
 * java -jar vae-bench/target/benchmarks.jar [--quick | --full] [--backends cpu,gpu] [--cores N] [--out DIR]
 *     [--include REGEX] [--jmh "more JMH arguments, e.g. -p batch=128"] [--peer-epochs N | --no-peer] [--data DIR]
 *     [--isa avx2]
 * </pre>
 *
 * <p>Besides JMH, the runner puts vae4j and PyTorch side by side ({@link PeerComparison}): the reference protocol
 * trained by each on the real MNIST, on one core and on all usable cores, first epoch and steady state, and peak
 * memory. It exits with status 1 when any benchmark or comparison run failed.
 */
public final class BenchRunner {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchRunner() {
    }

    /** Parsed command line. */
    record Options(boolean full, List<String> backends, int cores, Path out, String include, List<String> jmhArgs,
            int peerEpochs, Path data, IsaLimit isa) {
        /** The same options pinned to n cores. */
        Options withCores(int n) {
            return new Options(full, backends, n, out, include, jmhArgs, peerEpochs, data, isa);
        }

        /**
         * The core counts the JMH benchmarks run at: --cores if given, else one core and all of them (the GPU
         * backend: all of them only, its host threads matter little).
         */
        List<Integer> coreCounts(String backend) {
            int all = Runtime.getRuntime().availableProcessors();
            if (cores > 0) {
                return List.of(cores);
            }
            return backend.equals("gpu") || all == 1 ? List.of(all) : List.of(1, all);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("benchmarks: error: " + e.getMessage());
            System.err.println("usage: java -jar benchmarks.jar [--quick | --full] [--backends cpu,gpu] [--cores N] "
                    + "[--out DIR] [--include REGEX] [--jmh \"JMH ARGS\"] [--peer-epochs N | --no-peer] [--data DIR] "
                    + "[--isa avx2]");
            System.exit(2);
            return;
        }
        System.exit(run(o));
    }

    static Options parse(String[] args) {
        boolean full = false;
        List<String> backends = List.of("cpu", "gpu");
        int cores = 0;
        Path out = null;
        String include = null;
        List<String> jmhArgs = List.of();
        int peerEpochs = -1;
        Path data = null;
        IsaLimit isa = IsaLimit.NONE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> full = false;
                case "--full" -> full = true;
                case "--backends" -> {
                    backends = List.of(value(args, ++i, "--backends").split(","));
                    for (String b : backends) {
                        if (!b.equals("cpu") && !b.equals("gpu")) {
                            throw new IllegalArgumentException("--backends takes cpu and/or gpu, got " + b);
                        }
                    }
                }
                case "--cores" -> {
                    try {
                        cores = Integer.parseInt(value(args, ++i, "--cores"));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--cores takes a number, got " + args[i]);
                    }
                    if (cores < 1) {
                        throw new IllegalArgumentException("--cores must be >= 1, got " + cores);
                    }
                }
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--include" -> include = value(args, ++i, "--include");
                case "--jmh" -> jmhArgs = List.of(value(args, ++i, "--jmh").trim().split("\\s+"));
                case "--no-peer" -> peerEpochs = 0;
                case "--peer-epochs" -> {
                    try {
                        peerEpochs = Integer.parseInt(value(args, ++i, "--peer-epochs"));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--peer-epochs takes a number, got " + args[i]);
                    }
                    if (peerEpochs < 2) {
                        throw new IllegalArgumentException("--peer-epochs must be >= 2 (a first epoch and a steady "
                                + "one), got " + peerEpochs);
                    }
                }
                case "--data" -> data = Path.of(value(args, ++i, "--data"));
                case "--isa" -> isa = IsaLimit.parse(value(args, ++i, "--isa"));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null) {
            out = RunFiles.timestamped(Path.of("runs"), "bench");
        }
        if (peerEpochs < 0) {
            peerEpochs = full ? 4 : 3;
        }
        if (data == null) {
            String env = System.getenv("VAE_MNIST_DIR");
            data = env != null && !env.isBlank() ? Path.of(env)
                    : Path.of(System.getProperty("user.home"), ".vae4j", "mnist");
        }
        return new Options(full, backends, cores, out, include, jmhArgs, peerEpochs, data, isa);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    static int run(Options o) throws Exception {
        String isaProblem = o.isa().problem(io.vae4j.core.backend.NativeBuild.cpuFlags());
        if (isaProblem != null) {
            System.err.println("benchmarks: error: " + isaProblem);
            return 2;
        }
        Files.createDirectories(o.out());
        ArrayNode rows = JSON.createArrayNode();
        Map<String, Double> cpuRate = new LinkedHashMap<>();
        int failures = 0;
        for (String backend : o.backends()) {
            Optional<String> why = backend.equals("gpu") ? GpuCheck.unavailable() : Optional.empty();
            if (why.isPresent()) {
                rows.add(unavailableRow(backend, why.get()));
                System.err.println("[" + backend + "] not run: " + why.get());
                continue;
            }
            JsonNode probe = probe(backend, o);
            if (probe.has("error")) {
                rows.add(unavailableRow(backend, probe.get("error").asText()));
                continue;
            }
            if (probe.get("gpu").asBoolean() != backend.equals("gpu")) {
                rows.add(unavailableRow(backend, "asked for " + backend + " but ND4J loaded " + probe.get("backend")
                        .asText() + "; not counted"));
                continue;
            }
            System.err.println("[" + backend + "] " + probe);
            for (int cores : o.coreCounts(backend)) {
                Path raw = o.out().resolve("jmh-" + backend + "-" + cores + "cores.json");
                int code = jmh(backend, o.withCores(cores), raw);
                if (code != 0 || !Files.exists(raw)) {
                    rows.add(unavailableRow(backend, "JMH failed with exit code " + code + " on " + cores
                            + " core(s); see its output above"));
                    failures++;
                    continue;
                }
                for (JsonNode r : JSON.readTree(raw.toFile())) {
                    ObjectNode row = resultRow(backend, probe, r, cores);
                    row.put("key", row.get("key").asText() + "/" + coresLabel(cores, o));
                    rows.add(row);
                    if (backend.equals("cpu")) {
                        cpuRate.put(row.get("key").asText(), row.get("samples_per_s").asDouble());
                    }
                }
            }
        }
        for (JsonNode r : rows) {
            ObjectNode row = (ObjectNode) r;
            Double cpu = row.has("key") ? cpuRate.get(row.get("key").asText()) : null;
            if (cpu != null && row.has("samples_per_s")) {
                row.put("ratio_to_cpu", row.get("samples_per_s").asDouble() / cpu);
            }
        }
        gemmShares(rows);
        ObjectNode report = JSON.createObjectNode();
        // what a comparison across machines needs (BenchComparison refuses another format or protocol)
        report.put("format", BenchComparison.FORMAT);
        report.put("protocol", o.full() ? "full" : "quick");
        report.put("date", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        ObjectNode machine = report.putObject("machine");
        java.util.Set<String> flags = io.vae4j.core.backend.NativeBuild.cpuFlags();
        machine.put("cpu", io.vae4j.core.backend.BackendInfo.cpuModel());
        machine.put("cores", o.cores() == 0 ? Runtime.getRuntime().availableProcessors() : o.cores());
        machine.put("avx2", flags.contains("avx2"));
        machine.put("avx512", flags.contains("avx512f"));
        if (o.isa().limits(flags)) {
            // measured below what the CPU has: a comparison must not take it for an AVX2-only machine
            machine.put("isa_limit", o.isa().name);
        }
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        ArrayNode gpus = machine.putArray("gpus");
        for (GpuCheck.Gpu g : GpuCheck.query()) {
            gpus.addObject().put("name", g.name()).put("compute_capability", g.computeCapability());
        }
        ObjectNode versions = report.putObject("versions");
        versions.put("vae4j", io.vae4j.core.io.ProjectVersion.get());
        versions.put("dl4j", "1.0.0-M2.1");
        versions.put("java", System.getProperty("java.version"));
        report.put("mode", o.full() ? "full" : "quick");
        report.put("cores", o.cores() == 0 ? Runtime.getRuntime().availableProcessors() : o.cores());
        report.put("java", System.getProperty("java.version"));
        report.put("dl4j", "1.0.0-M2.1");
        report.set("rows", rows);
        if (o.peerEpochs() > 0 && o.backends().contains("cpu")) {
            // both sides of the comparison train on the real MNIST: fetched and checked as ./vae train does
            MnistFetcher.standard().ensure(o.data());
            PeerComparison peer = new PeerComparison(o);
            report.set("peer", peer.run());
            failures += peer.failures();
        }
        byte[] json = JSON.writeValueAsBytes(report);
        AtomicFiles.write(o.out().resolve("bench-results.json"), out -> out.write(json));
        byte[] md = markdown(report).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(o.out().resolve("bench-results.md"), out -> out.write(md));
        BenchPage.write(report, markdown(report), o.out());
        System.out.print(markdown(report));
        if (failures > 0) {
            System.err.println("benchmarks: " + failures + " run(s) failed; see the rows marked failed above");
            return 1;
        }
        return 0;
    }

    private static ObjectNode unavailableRow(String backend, String reason) {
        ObjectNode row = JSON.createObjectNode();
        row.put("backend", backend);
        row.put("not_run", reason);
        return row;
    }

    /**
     * How a row's core count enters its key: "1 core", "all cores" (so that runs on machines with different core
     * counts compare), or "N cores" when --cores pinned the run.
     */
    static String coresLabel(int cores, Options o) {
        if (o.cores() > 0) {
            return o.cores() + (o.cores() == 1 ? " core" : " cores");
        }
        return cores == 1 ? "1 core" : "all cores";
    }

    /** Environment that makes ND4J load the requested backend in a child JVM, and pins threads if asked. */
    private static Map<String, String> environment(String backend, Options o) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BACKEND_PRIORITY_CPU", backend.equals("cpu") ? "100" : "0");
        env.put("BACKEND_PRIORITY_GPU", backend.equals("gpu") ? "200" : "-100");
        if (o.cores() > 0) {
            env.put("OMP_NUM_THREADS", Integer.toString(o.cores()));
        }
        env.putAll(o.isa().environment());
        return env;
    }

    private static List<String> command(Options o, String... tail) {
        List<String> cmd = new ArrayList<>();
        if (o.cores() > 0) {
            cmd.add("taskset");
            cmd.add("-c");
            cmd.add(o.cores() == 1 ? "0" : "0-" + (o.cores() - 1));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(o.isa().jvmOptions());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(List.of(tail));
        return cmd;
    }

    private static JsonNode probe(String backend, Options o) throws IOException, InterruptedException {
        ChildProcess p = ChildProcess.run(command(o, BackendProbe.class.getName()), environment(backend, o),
                java.time.Duration.ofMinutes(5));
        if (!p.ok()) {
            String why = p.exitCode() == -1 ? "no answer within 5 minutes"
                    : p.output().lines().filter(l -> l.contains("Exception") || l.contains("Error")).findFirst()
                            .orElse("exit code " + p.exitCode());
            return JSON.createObjectNode().put("error", "the " + backend + " backend failed to load: " + why);
        }
        String line = p.line("PROBE ");
        if (line == null) {
            return JSON.createObjectNode().put("error", "the backend probe printed nothing");
        }
        return JSON.readTree(line);
    }

    private static int jmh(String backend, Options o, Path raw) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add("org.openjdk.jmh.Main");
        if (o.include() != null) {
            args.add(o.include());
        } else if (!o.full()) {
            args.add("(TrainingBenchmark|InferenceBenchmark|Dl4jVaeBenchmark|EpochBenchmark|GemmBenchmark)");
        }
        if (o.full()) {
            args.addAll(List.of("-f", "1", "-wi", "2", "-w", "5s", "-i", "5", "-r", "5s"));
        } else {
            // three batch sizes: how throughput scales, for the charts of bench.html
            args.addAll(List.of("-f", "1", "-wi", "1", "-w", "1s", "-i", "2", "-r", "1s", "-p", "batch=32,128,512",
                    "-p", "model=mlp", "-p", "images=6000"));
        }
        args.addAll(o.jmhArgs());
        // JMH's forks start with this JVM's options (the ISA limit's among them), then these
        args.addAll(List.of("-rf", "json", "-rff", raw.toString(), "-jvmArgsAppend",
                "-D" + BenchModels.EXPECTED_BACKEND + "=" + backend + " -Xmx4g"));
        ProcessBuilder pb = new ProcessBuilder(command(o, args.toArray(new String[0]))).inheritIO();
        pb.environment().putAll(environment(backend, o));
        return pb.start().waitFor();
    }

    /** One JMH result as samples per second, with what produced it. */
    static ObjectNode resultRow(String backend, JsonNode probe, JsonNode r, int cores) {
        String bench = r.get("benchmark").asText();
        String shortName = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
        JsonNode params = r.path("params");
        int batch = params.path("batch").asInt(0);
        String model = bench.contains("Dl4jVae") ? "dl4j-vae-layer" : params.path("model").asText("mlp");
        double score = r.get("primaryMetric").get("score").asDouble();
        double error = r.get("primaryMetric").get("scoreError").asDouble();
        double samples;
        double samplesError;
        if (r.get("mode").asText().equals("ss")) {
            int images = params.path("images").asInt();
            samples = images / score;
            samplesError = Double.isNaN(error) ? Double.NaN : images * error / (score * score);
            batch = params.path("batch").asInt();
        } else {
            int perInvocation = bench.contains("Inference") ? batch : BenchModels.stepsPerInvocation(batch) * batch;
            samples = score * perInvocation;
            samplesError = error * perInvocation;
        }
        ObjectNode row = JSON.createObjectNode();
        row.put("backend", backend);
        row.put("nd4j_backend", probe.get("backend").asText());
        row.put("device", probe.get("device").asText());
        row.put("blas", probe.get("blasVendor").asText());
        row.put("native", probe.path("native").asText("unknown"));
        row.put("threads", cores > 0 ? cores : probe.get("threads").asInt());
        row.put("benchmark", shortName);
        row.put("model", model);
        row.put("batch", batch);
        row.put("samples_per_s", samples);
        row.put("samples_per_s_error", samplesError);
        row.put("key", shortName + "/" + model + "/" + batch);
        return row;
    }

    /**
     * How close to the limit: each MLP training row gets the matrix-product rate it achieves (GFLOP/s of its
     * products) and its share of the rate GemmBenchmark measured for the same products on the same backend and
     * native build; the gemm row gets its own GFLOP/s.
     */
    static void gemmShares(ArrayNode rows) {
        Map<String, Double> gemm = new HashMap<>();
        for (JsonNode r : rows) {
            if (r.path("benchmark").asText().startsWith("GemmBenchmark") && r.has("samples_per_s")) {
                gemm.put(r.get("backend").asText() + "/" + r.get("native").asText() + "/" + r.get("threads").asInt()
                        + "/" + r.get("batch").asInt(), r.get("samples_per_s").asDouble());
                ((ObjectNode) r).put("gflops", r.get("samples_per_s").asDouble()
                        * GemmBenchmark.flopsPerSample("mlp") / 1e9);
            }
        }
        for (JsonNode r : rows) {
            if (!r.path("benchmark").asText().startsWith("TrainingBenchmark") || !"mlp".equals(r.path("model")
                    .asText()) || !r.has("samples_per_s")) {
                continue;
            }
            Double limit = gemm.get(r.get("backend").asText() + "/" + r.get("native").asText() + "/"
                    + r.get("threads").asInt() + "/" + r.get("batch").asInt());
            if (limit != null) {
                double rate = r.get("samples_per_s").asDouble();
                ((ObjectNode) r).put("gflops", rate * GemmBenchmark.flopsPerSample("mlp") / 1e9);
                ((ObjectNode) r).put("gemm_share", rate / limit);
            }
        }
    }

    static String markdown(JsonNode report) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Benchmarks (%s mode, %d cores, Java %s, DL4J %s%s)%n%n",
                report.get("mode").asText(), report.get("cores").asInt(), report.get("java").asText(),
                report.get("dl4j").asText(), io.vae4j.mnist.bench.InstructionSetLimit.note(report.path("machine"))));
        sb.append("| backend | device | native build | BLAS | threads | benchmark | model | batch | samples/s "
                + "| ratio to CPU |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : report.get("rows")) {
            if (r.has("not_run")) {
                sb.append("| ").append(r.get("backend").asText()).append(" | not run: ")
                        .append(r.get("not_run").asText().replace("|", "/")).append(" | | | | | | | | |\n");
                continue;
            }
            double err = r.get("samples_per_s_error").asDouble();
            sb.append(String.format(Locale.ROOT, "| %s (%s) | %s | %s | %s | %d | %s | %s | %d | %,.0f ± %s | %s |%n",
                    r.get("backend").asText(), r.get("nd4j_backend").asText(), r.get("device").asText(),
                    r.path("native").asText(""),
                    r.get("blas").asText(), r.get("threads").asInt(), r.get("benchmark").asText(),
                    r.get("model").asText(), r.get("batch").asInt(), r.get("samples_per_s").asDouble(),
                    Double.isNaN(err) ? "n/a" : String.format(Locale.ROOT, "%,.0f", err),
                    r.has("ratio_to_cpu") ? String.format(Locale.ROOT, "%.2f", r.get("ratio_to_cpu").asDouble())
                            : ""));
        }
        StringBuilder limit = new StringBuilder();
        for (JsonNode r : report.get("rows")) {
            if (r.has("gemm_share")) {
                limit.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f | %.0f%% |%n",
                        r.get("backend").asText(), r.path("native").asText(""), r.get("threads").asInt(),
                        r.get("batch").asInt(), r.get("gflops").asDouble(), 100 * r.get("gemm_share").asDouble()));
            }
        }
        if (limit.length() > 0) {
            sb.append("\nHow close to the limit: the MLP training step's matrix products in GFLOP/s, and the step's "
                    + "speed as a share of the same products alone through ND4J's gemm (GemmBenchmark)\n\n"
                    + "| backend | native build | threads | batch | GFLOP/s of the step's products "
                    + "| share of gemm's rate |\n|---|---|---|---|---|---|\n").append(limit);
        }
        if (report.has("peer")) {
            sb.append(PeerComparison.markdown(report.get("peer")));
        }
        return sb.toString();
    }
}
