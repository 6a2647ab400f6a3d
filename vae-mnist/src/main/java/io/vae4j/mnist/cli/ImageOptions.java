package io.vae4j.mnist.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The model a picture command draws from, and where the picture goes. */
final class ImageOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Run directory or model file.")
    Path model;

    @Option(names = "--out", paramLabel = "FILE", description = "PNG to write (default: in the run directory).")
    Path out;

    Path output(String defaultName) {
        return out != null ? out : Models.runDir(model).resolve(defaultName);
    }
}
