package io.vae4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vae4j.core.testing.PackageGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The package arrows docs/design.md draws: no cycle, the model never sees the trainer, compat at the bottom. */
class ArchitectureTest {
    private static final String CORE = "io.vae4j.core.";
    private final PackageGraph graph = PackageGraph.of(Path.of("target/classes"), "io.vae4j.");

    @Test
    void thePackagesFormNoCycle() {
        assertEquals(List.of(), graph.cycles());
    }

    @Test
    void theModelNeverSeesTheTrainer() {
        Map<String, Set<String>> arrows = graph.arrows();
        assertTrue(arrows.get(CORE + "train").contains(CORE + "model"), "the trainer trains the model");
        for (String p : List.of("model", "eval", "graph", "kernel", "exec", "io")) {
            assertFalse(arrows.getOrDefault(CORE + p, Set.of()).contains(CORE + "train"), p + " imports train");
        }
    }

    @Test
    void theLowerPackagesImportNothingAboveThem() {
        Map<String, Set<String>> arrows = graph.arrows();
        assertEquals(Set.of(), arrows.getOrDefault(CORE + "compat", Set.of()));
        assertEquals(Set.of(), arrows.getOrDefault(CORE + "config", Set.of()));
        assertEquals(Set.of(CORE + "compat"), arrows.getOrDefault(CORE + "backend", Set.of()));
        assertEquals(Set.of(CORE + "backend"), arrows.getOrDefault(CORE + "exec", Set.of()));
    }
}
