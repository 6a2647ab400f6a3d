package io.vae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vae4j.core.testing.PackageGraph;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** No cycle among this module's packages (jdeps on the compiled classes). */
class ArchitectureTest {
    @Test
    void thePackagesFormNoCycle() {
        assertEquals(List.of(), PackageGraph.of(Path.of("target/classes"), "io.vae4j.bench").cycles());
    }
}
