package io.vae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What can be checked of the Docker images without a Docker engine, after the jars are packaged: every COPY
 * source exists (in the build context, or as an output of the Maven build in the build stage), and the
 * entrypoint script runs the packaged application and benchmark runner on the host.
 */
class DockerImageIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.cpu", "Dockerfile.cuda"})
    void everyCopySourceExists(String dockerfile) throws IOException {
        List<String> lines = joinContinuations(Files.readAllLines(ROOT.resolve("docker").resolve(dockerfile)));
        List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        int copies = 0;
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            if (!words[0].equals("COPY")) {
                continue;
            }
            copies++;
            boolean fromBuild = words[1].startsWith("--from=build");
            int first = fromBuild ? 2 : 1;
            for (int i = first; i < words.length - 1; i++) {
                String src = words[i];
                Path p = fromBuild ? ROOT.resolve(src.replaceFirst("^/src/", "")) : ROOT.resolve(src);
                assertTrue(Files.exists(p), dockerfile + ": COPY source " + src + " does not exist at " + p);
                if (!fromBuild) {
                    assertFalse(ignored.stream().anyMatch(pattern -> matches(pattern, src)),
                            dockerfile + ": COPY source " + src + " is excluded by .dockerignore");
                }
            }
        }
        assertTrue(copies >= 8, dockerfile + " has only " + copies + " COPY lines");
    }

    /** .dockerignore patterns as used here: a path, or a "**&#47;name" suffix. */
    private static boolean matches(String pattern, String path) {
        String p = pattern.startsWith("**/") ? pattern.substring(3) : pattern;
        for (String part : path.split("/")) {
            if (part.equals(p)) {
                return true;
            }
        }
        return path.equals(pattern) || path.startsWith(pattern + "/");
    }

    private static List<String> joinContinuations(List<String> raw) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String l : raw) {
            if (l.trim().startsWith("#")) {
                continue;
            }
            if (l.endsWith("\\")) {
                cur.append(l, 0, l.length() - 1).append(' ');
            } else {
                out.add(cur.append(l).toString());
                cur.setLength(0);
            }
        }
        return out;
    }

    /** /opt/vae as the images lay it out, made of links to the packaged jars. */
    private Path installation() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("opt-vae"));
        Files.createSymbolicLink(home.resolve("vae-mnist.jar"), ROOT.resolve("vae-mnist/target/vae-mnist.jar"));
        Files.createSymbolicLink(home.resolve("lib"), ROOT.resolve("vae-mnist/target/lib"));
        Files.createSymbolicLink(home.resolve("benchmarks.jar"), ROOT.resolve("vae-bench/target/benchmarks.jar"));
        return home;
    }

    private record Result(int code, String output) {
    }

    private Result entrypoint(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sh", ROOT.resolve("docker/entrypoint.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        return new Result(p.exitValue(), out);
    }

    /** With no arguments the entrypoint runs `train` (checked with a stand-in java that prints its arguments). */
    @Test
    void defaultCommandIsTrain() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path fakeJava = bin.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho \"java $*\"\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"), "VAE_HOME", "/opt/vae");
        Result r = entrypoint(env);
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().trim().endsWith("-jar /opt/vae/vae-mnist.jar train"), r.output());
        Result custom = entrypoint(Map.of("PATH", bin + ":" + System.getenv("PATH"), "VAE_JAVA_OPTS", "-Xmx1g"),
                "evaluate", "--model", "/vae/runs/x");
        // the user's options come after the defaults, so the JVM takes theirs (the last -Xmx wins)
        assertTrue(custom.output().contains("java -XX:+UseSerialGC -Xmx512m -Dorg.bytedeco.javacpp.maxbytes=1g -Xmx1g "
                + "-Djava.awt.headless=true -jar /opt/vae/vae-mnist.jar evaluate --model /vae/runs/x"), custom.output());
    }

    @Test
    void entrypointRunsThePackagedApplicationAndRunner() throws Exception {
        Map<String, String> env = Map.of("VAE_HOME", installation().toString(), "VAE_JAVA_OPTS", "-Xmx1g");
        Result version = entrypoint(env, "--version");
        assertEquals(0, version.code(), version.output());
        assertTrue(version.output().contains("vae 0.1.0"), version.output());

        Result noModel = entrypoint(env, "sample", "--model", tmp.resolve("none").toString());
        assertEquals(1, noModel.code(), noModel.output());
        assertTrue(noModel.output().contains("no model at"), noModel.output());

        Result badBench = entrypoint(Map.of("VAE_HOME", env.get("VAE_HOME"), "VAE_BENCH_OUT", tmp.toString()),
                "bench", "--backends", "tpu");
        assertEquals(2, badBench.code(), badBench.output());
        assertTrue(badBench.output().contains("--backends takes cpu and/or gpu"), badBench.output());

        Result missing = entrypoint(Map.of("VAE_HOME", tmp.resolve("empty").toString()), "bench");
        assertEquals(1, missing.code());
        assertTrue(missing.output().contains("benchmarks.jar is missing"), missing.output());
    }

    /**
     * Where a container engine (podman or docker) is installed, docker/test.sh builds the CPU image, trains and
     * benchmarks in it, checks the run directory it leaves on the host, and builds and inspects the CUDA image. In CI
     * (the environment variable CI set) an engine must be there: .ci/run installs podman, and the test fails rather
     * than skips without it.
     */
    @Test
    void theImagesBuildAndRun() throws Exception {
        // a docker client whose engine does not answer cannot build anything (machines of this kind have one)
        boolean engine = onPath("podman") || onPath("docker") && dockerEngineAnswers();
        if (!engine) {
            assertFalse(System.getenv("CI") != null, "CI must have podman, or docker with a running engine: .ci/run "
                    + "installs podman");
            org.junit.jupiter.api.Assumptions.abort("no container engine on this machine (podman, or docker with a "
                    + "running engine): docker/test.sh not run");
        }
        Path work = Files.createDirectories(tmp.resolve("docker-test"));
        Path log = tmp.resolve("docker-test.log");
        Process p = new ProcessBuilder("bash", ROOT.resolve("docker/test.sh").toString(), work.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.MINUTES), "docker/test.sh finished within an hour");
        String out = Files.readString(log);
        System.out.println(out); // the test's own report, for the CI log
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("docker test: ") && out.contains(" passed, 0 failed"), out);
    }

    /** Whether {@code docker info} succeeds: a Docker engine is running, not just the client installed. */
    private static boolean dockerEngineAnswers() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("docker", "info").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
