package io.vae4j.mnist.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vae4j.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The files of a run directory and how they are read and written. */
public final class RunFiles {
    public static final String MODEL = "model.vae";
    public static final String SETTINGS = "run.json";
    public static final String METRICS_JSON = "metrics.json";
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private RunFiles() {
    }

    /** Writes a value as pretty JSON, atomically. */
    public static void writeJson(Path file, Object value) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(value);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** The data settings of a run's record (run.json, of this version or an earlier one). */
    public static RunSettings readSettings(Path runDir) throws IOException {
        RunRecord r = RunRecord.read(runDir);
        if (r == null) {
            throw new IOException(runDir + " has no " + SETTINGS + "; is it a run directory written by ./vae train?");
        }
        return r.settings();
    }

    /**
     * A fresh run directory under {@code runs/}: {@code <prefix>-<yyyyMMdd-HHmmss>}, with "-2", "-3", ... added
     * while such a directory exists, so a command run twice never lands in the first run's directory.
     */
    public static Path timestamped(Path parent, String prefix) {
        String base = prefix + "-" + java.time.LocalDateTime.now().format(
                java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = parent.resolve(base);
        for (int i = 2; Files.exists(dir); i++) {
            dir = parent.resolve(base + "-" + i);
        }
        return dir;
    }

    /** Deletes temporary files that an atomic write killed mid-way (kill -9, power loss) left behind. */
    public static void removeStaleTemporaries(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            return;
        }
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") && n.endsWith(".tmp")) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
