package io.vae4j.core.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vae4j.core.compat.Dl4jCompat;
import io.vae4j.core.config.VaeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The model file format: a zip archive with two entries,
 * <ul>
 *   <li>{@value #META_ENTRY}: JSON with the format name and version, the project version, the epoch count and the
 *       {@link VaeConfig};</li>
 *   <li>{@value #GRAPH_ENTRY}: the SameDiff graph in its FlatBuffers form, with parameters and Adam state.</li>
 * </ul>
 */
public final class ModelFile {
    public static final String FORMAT = "vae4j-model";
    public static final int FORMAT_VERSION = 1;
    public static final String META_ENTRY = "vae4j-model.json";
    public static final String GRAPH_ENTRY = "graph.sdfb";

    /** Largest accepted entries: far above any model's, far below what could exhaust memory before a check. */
    private static final int MAX_META_BYTES = 1 << 20;
    private static final int MAX_GRAPH_BYTES = Integer.MAX_VALUE - 64;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ModelFile() {
    }

    /**
     * What a model file holds, checked: the graph is the one its configuration builds ({@link GraphCheck}).
     *
     * @param dataType the graph's floating-point type
     */
    public record Contents(VaeConfig config, int epochsDone, SameDiff graph, DataType dataType) {
    }

    /** Writes the model atomically (see {@link AtomicFiles}). */
    public static void write(Path file, VaeConfig config, int epochsDone, SameDiff graph) throws IOException {
        ObjectNode meta = JSON.createObjectNode();
        meta.put("format", FORMAT);
        meta.put("formatVersion", FORMAT_VERSION);
        meta.put("projectVersion", ProjectVersion.get());
        meta.put("epochsDone", epochsDone);
        meta.set("config", JSON.valueToTree(config));
        byte[] metaBytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta);
        try {
            AtomicFiles.write(file, out -> {
                ZipOutputStream zip = new ZipOutputStream(out);
                zip.putNextEntry(new ZipEntry(META_ENTRY));
                zip.write(metaBytes);
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(GRAPH_ENTRY));
                graph.save(new NonClosing(zip), true);
                zip.closeEntry();
                zip.finish();
            });
        } catch (IOException e) {
            throw new ModelFileException(file, "could not write the model: " + IoMessages.describe(e)
                    + "; check that the directory is writable and the disk is not full", e);
        } catch (RuntimeException e) {
            throw new ModelFileException(file, "could not write the model: " + (e.getMessage() != null
                    ? e.getMessage() : e.getClass().getSimpleName()), e);
        }
    }

    /** A model file's header: its configuration and epoch count, checked, without the graph. */
    public record Header(VaeConfig config, int epochsDone) {
    }

    /** Reads a model file's header; every failure names the file and says what is wrong with it. */
    public static Header readHeader(Path file) throws IOException {
        Contents c = read(file, false);
        return new Header(c.config(), c.epochsDone());
    }

    /** Reads a model file; every failure names the file and says what is wrong with it. */
    public static Contents read(Path file) throws IOException {
        return read(file, true);
    }

    private static Contents read(Path file, boolean withGraph) throws IOException {
        if (!Files.exists(file)) {
            throw new ModelFileException(file, "no such model file; give the path of a file written by save()");
        }
        if (Files.isDirectory(file)) {
            throw new ModelFileException(file, "is a directory, not a model file");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry metaEntry;
            ZipEntry graphEntry;
            try {
                metaEntry = zip.getEntry(META_ENTRY);
                graphEntry = zip.getEntry(GRAPH_ENTRY);
            } catch (IllegalArgumentException e) { // an entry name that is not UTF-8: the directory is damaged
                throw new ModelFileException(file, "the archive is damaged: " + rootMessage(e), e);
            }
            if (metaEntry == null || graphEntry == null) {
                throw new ModelFileException(file, "not a vae4j model: the archive has no " + META_ENTRY + " and "
                        + GRAPH_ENTRY + " entries");
            }
            JsonNode meta;
            try {
                meta = JSON.readTree(new String(verified(file, zip, metaEntry, MAX_META_BYTES),
                        StandardCharsets.UTF_8));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new ModelFileException(file, META_ENTRY + " is not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (meta == null || !FORMAT.equals(meta.path("format").asText())) {
                throw new ModelFileException(file, "not a vae4j model: " + META_ENTRY + " does not declare format "
                        + FORMAT);
            }
            int version = meta.path("formatVersion").asInt(-1);
            if (version != FORMAT_VERSION) {
                throw new ModelFileException(file, "model format version " + version + " is not supported (this is "
                        + "version " + ProjectVersion.get() + ", which reads format " + FORMAT_VERSION + ")");
            }
            VaeConfig config;
            try {
                config = JSON.treeToValue(meta.get("config"), VaeConfig.class);
            } catch (IOException | IllegalArgumentException e) {
                throw new ModelFileException(file, "the model's configuration is invalid: " + rootMessage(e), e);
            }
            int epochs = meta.path("epochsDone").asInt(-1);
            if (epochs < 0) {
                throw new ModelFileException(file, "the model's epoch count is missing or negative");
            }
            if (!withGraph) {
                return new Contents(config, epochs, null, null);
            }
            byte[] graphBytes = verified(file, zip, graphEntry, MAX_GRAPH_BYTES);
            SameDiff graph;
            try {
                Dl4jCompat.skipTensorflowOpList();
                graph = SameDiff.load(new java.io.ByteArrayInputStream(graphBytes), true);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                // a corrupt graph can make SameDiff fail in any way, allocation included: one message either way
                throw new ModelFileException(file, "the graph entry is corrupt: " + rootMessage(e), e);
            }
            if (graph == null) {
                throw new ModelFileException(file, "the graph entry holds no graph");
            }
            return new Contents(config, epochs, graph, GraphCheck.requireMatching(file, config, graph));
        } catch (ZipException e) {
            throw new ModelFileException(file, "not a readable model file (not a zip archive, or truncated): "
                    + e.getMessage() + "; write it again with save()", e);
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFileException(file, "could not be read: " + rootMessage(e), e);
        }
    }

    /**
     * An entry's bytes, read to the end and checked against the CRC the archive records for it (ZipFile does not
     * check it), and no larger than {@code max}: corrupt or oversized data never reaches the parsers.
     */
    private static byte[] verified(Path file, ZipFile zip, ZipEntry entry, int max) throws IOException {
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readNBytes(max + 1);
        } catch (ZipException | java.io.EOFException e) {
            throw new ModelFileException(file, "entry " + entry.getName() + " is corrupt (" + rootMessage(e)
                    + "); write the model again", e);
        }
        if (bytes.length > max) {
            throw new ModelFileException(file, "entry " + entry.getName() + " is larger than " + max + " bytes; not "
                    + "a model this version writes");
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes);
        if (entry.getCrc() != -1 && entry.getCrc() != crc.getValue()) {
            throw new ModelFileException(file, "entry " + entry.getName() + " is corrupt: its CRC is "
                    + Long.toHexString(crc.getValue()) + ", the archive records " + Long.toHexString(entry.getCrc())
                    + "; the file was damaged after it was written");
        }
        return bytes;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Keeps SameDiff from closing the zip stream under us. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
