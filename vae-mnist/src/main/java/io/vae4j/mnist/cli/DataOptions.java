package io.vae4j.mnist.cli;

import io.vae4j.mnist.data.MnistFetcher;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the MNIST files are. */
public final class DataOptions {
    /** Environment variable that overrides the default data directory. */
    public static final String DATA_ENV = "VAE_MNIST_DIR";

    @Option(names = "--data", paramLabel = "DIR",
            description = "MNIST directory; the four files are fetched into it when missing "
                    + "(default: $" + DATA_ENV + ", else ~/.vae4j/mnist).")
    Path data;

    /** The fetcher used when files are missing; tests replace it. */
    static MnistFetcher fetcher = MnistFetcher.standard();

    public Path dir() {
        if (data != null) {
            return data;
        }
        String env = System.getenv(DATA_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".vae4j", "mnist");
    }
}
