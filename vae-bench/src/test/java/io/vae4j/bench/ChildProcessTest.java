package io.vae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A failed child's row carries the error's message, not the last frames of its stack trace. */
class ChildProcessTest {
    @Test
    void theJavaRootCauseWithItsMessage() {
        String out = String.join("\n", "12:00:01 INFO starting",
                "Exception in thread \"main\" java.lang.IllegalStateException: fetch failed",
                "\tat io.vae4j.mnist.data.MnistFetcher.ensure(MnistFetcher.java:120)",
                "Caused by: java.lang.NoSuchMethodError: 'byte[] org.apache.commons.io.IOUtils.byteArray()'",
                "\tat org.apache.commons.compress.archivers.tar.TarArchiveInputStream.<init>(X.java:1)",
                "\tat io.vae4j.bench.EpochRun.main(EpochRun.java:48)", "\t... 3 more");
        assertEquals("Caused by: java.lang.NoSuchMethodError: 'byte[] org.apache.commons.io.IOUtils.byteArray()'",
                new ChildProcess(1, out).tail());
    }

    @Test
    void thePythonTracebacksLastLine() {
        String out = String.join("\n", "Traceback (most recent call last):",
                "  File \"scripts/pytorch-reference.py\", line 40, in <module>",
                "    main()", "FileNotFoundError: train-images-idx3-ubyte not found in /tmp/empty");
        assertEquals("FileNotFoundError: train-images-idx3-ubyte not found in /tmp/empty",
                new ChildProcess(1, out).tail());
    }

    @Test
    void otherwiseTheLastLines() {
        assertEquals("b / c / d", new ChildProcess(3, "a\nb\nc\nd\n").tail());
    }
}
