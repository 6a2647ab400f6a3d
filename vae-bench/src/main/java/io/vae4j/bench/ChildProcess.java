package io.vae4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child process with a real time limit: its output goes to a temporary file (so a child that never closes
 * its output cannot block the reader) and it is killed when the limit passes.
 *
 * @param exitCode the child's exit status, or -1 if it was killed at the time limit
 * @param output   everything it wrote to stdout and stderr
 */
record ChildProcess(int exitCode, String output) {

    /** Whether the child ended by itself with status 0. */
    boolean ok() {
        return exitCode == 0;
    }

    /** The first line starting with {@code prefix}, without the prefix, or null. */
    String line(String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
                .orElse(null);
    }

    /**
     * What went wrong, for a failed row: the last line that names an exception or error with its message, else the
     * last few lines.
     */
    String tail() {
        List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i);
            if (!l.startsWith("at ") && !l.startsWith("File \"") && !l.startsWith("...")
                    && l.matches("^(Exception in thread .*|Caused by: .*|[\\w.$]*(Exception|Error)(: .*)?|\\w*Error: .*)$")) {
                return l; // from the end: a Java trace's root cause, a Python traceback's last line
            }
        }
        return String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }

    static ChildProcess run(List<String> command, Map<String, String> env, Duration limit)
            throws IOException, InterruptedException {
        return run(command, env, limit, null);
    }

    /** As above, in the working directory {@code dir} (null: this process's). */
    static ChildProcess run(List<String> command, Map<String, String> env, Duration limit, Path dir)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("vae-bench-child", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            pb.environment().putAll(env);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new ChildProcess(-1, Files.readString(log, StandardCharsets.UTF_8));
            }
            return new ChildProcess(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
