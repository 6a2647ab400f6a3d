package io.vae4j.mnist.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The model a picture command draws from, and where the picture goes. */
final class ImageOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Run directory or model file.")
    Path model;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory for the picture (default: the run "
            + "directory); the file name is fixed by the command.")
    Path out;

    /** The picture's path: {@code name} in --out, or in the run directory; --out must be a directory. */
    Path output(String name) throws java.io.IOException {
        if (out == null) {
            return Models.runDir(model).resolve(name);
        }
        if (java.nio.file.Files.isRegularFile(out) || out.getFileName().toString().toLowerCase(java.util.Locale.ROOT)
                .endsWith(".png")) {
            throw new UserException("--out is the directory the picture goes into (it will be named " + name
                    + "), got the file name " + out);
        }
        java.nio.file.Files.createDirectories(out);
        return out.resolve(name);
    }
}
