package io.vae4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The BLAS libraries PyTorch can run on here, so that the peer row is PyTorch at its best. Debian's
 * {@code python3-torch} links {@code libblas.so.3}, which the system's alternatives point at one implementation; its
 * speed depends on that choice (the reference BLAS is an order of magnitude slower than OpenBLAS, and OpenBLAS's
 * pthread build fights torch's own threads). The candidates: the system's choice, and Debian's two OpenBLAS builds,
 * each either installed or downloaded with {@code apt-get download} and unpacked into {@value #CACHE_NAME} under
 * {@code ~/.vae4j}, and loaded through {@code LD_LIBRARY_PATH}, which the dynamic linker searches before the
 * alternatives' link.
 */
final class PeerBlas {
    static final String CACHE_NAME = "blas";
    private static final Path LIB = Path.of("/usr/lib/x86_64-linux-gnu");
    private static final Duration FETCH_LIMIT = Duration.ofMinutes(3);

    /** Debian's OpenBLAS packages and the directory under {@code /usr/lib/<triplet>} each installs. */
    private static final Map<String, String> OPENBLAS = Map.of(
            "libopenblas0-openmp", "openblas-openmp",
            "libopenblas0-pthread", "openblas-pthread");

    private PeerBlas() {
    }

    /**
     * A BLAS to try.
     *
     * @param name    what it is, for the table
     * @param dir     the directory to put first on {@code LD_LIBRARY_PATH}, or null for the system's choice
     * @param problem why it cannot be tried, or null
     */
    record Candidate(String name, Path dir, String problem) {
    }

    /**
     * One probe: a short PyTorch run with a BLAS and an OpenBLAS thread count.
     *
     * @param samplesPerSecond training throughput of the probe, or NaN if it failed
     * @param loaded           the BLAS libraries the process had mapped, as the script reports them
     * @param failed           why it failed, or null
     */
    record Probe(Candidate blas, int openblasThreads, double samplesPerSecond, String loaded, String failed) {
    }

    /** The system's choice first, then each OpenBLAS build not already that choice. */
    static List<Candidate> candidates(Path cache) {
        List<Candidate> out = new ArrayList<>();
        out.add(new Candidate("the system's libblas.so.3", null, null));
        Path system = realPath(LIB.resolve("libblas.so.3"));
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(OPENBLAS).entrySet()) {
            Path installed = LIB.resolve(e.getValue());
            if (Files.exists(installed.resolve("libblas.so.3"))) {
                if (system != null && system.startsWith(installed)) {
                    continue; // the system's choice already
                }
                out.add(new Candidate(e.getKey() + " (installed)", installed, null));
                continue;
            }
            Path unpacked = cache.resolve(e.getKey()).resolve("root").resolve(LIB.toString().substring(1))
                    .resolve(e.getValue());
            String problem = Files.exists(unpacked.resolve("libblas.so.3")) ? null : fetch(e.getKey(), cache);
            out.add(new Candidate(e.getKey() + (problem == null ? " (unpacked in " + cache + ")" : ""), unpacked,
                    problem));
        }
        return out;
    }

    /** Downloads a Debian package and unpacks it under {@code cache/<package>/root}; null, or why it failed. */
    private static String fetch(String pkg, Path cache) {
        try {
            Path work = Files.createDirectories(cache).resolve(pkg + ".partial");
            deleteTree(work);
            Files.createDirectories(work);
            ChildProcess download = ChildProcess.run(List.of("apt-get", "download", pkg), Map.of(), FETCH_LIMIT,
                    work);
            Optional<Path> deb;
            try (Stream<Path> files = Files.list(work)) {
                deb = files.filter(f -> f.getFileName().toString().endsWith(".deb")).findFirst();
            }
            if (!download.ok() || deb.isEmpty()) {
                deleteTree(work);
                return "apt-get download " + pkg + " failed: " + download.tail();
            }
            ChildProcess unpack = ChildProcess.run(List.of("dpkg-deb", "-x", deb.get().toString(),
                    work.resolve("root").toString()), Map.of(), FETCH_LIMIT, work);
            if (!unpack.ok()) {
                deleteTree(work);
                return "dpkg-deb -x failed: " + unpack.tail();
            }
            Files.delete(deb.get());
            Path done = cache.resolve(pkg);
            deleteTree(done);
            Files.move(work, done, StandardCopyOption.ATOMIC_MOVE); // a half-unpacked package is never used
            return null;
        } catch (IOException e) {
            return "could not fetch " + pkg + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while fetching " + pkg;
        }
    }

    /** The fastest probe that ran, if any did. */
    static Optional<Probe> fastest(List<Probe> probes) {
        return probes.stream().filter(p -> p.failed() == null && Double.isFinite(p.samplesPerSecond()))
                .max(Comparator.comparingDouble(Probe::samplesPerSecond));
    }

    /** Whether the loaded libraries are the reference BLAS (netlib's, Debian's {@code libblas3}) and no optimised one. */
    static boolean reference(String loaded) {
        String l = loaded.toLowerCase(Locale.ROOT);
        boolean optimised = Stream.of("openblas", "mkl", "blis", "atlas").anyMatch(l::contains);
        return !optimised && l.contains("libblas");
    }

    /** A short name of the loaded BLAS for the table. */
    static String describe(String loaded) {
        String l = loaded.toLowerCase(Locale.ROOT);
        if (l.contains("openblas-openmp")) {
            return "OpenBLAS, OpenMP build";
        }
        if (l.contains("openblas-pthread")) {
            return "OpenBLAS, pthread build";
        }
        if (l.contains("openblas")) {
            return "OpenBLAS";
        }
        return reference(loaded) ? "the reference BLAS" : "another BLAS";
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return null;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
