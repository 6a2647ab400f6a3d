package io.vae4j.core.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

/**
 * The arrows between a module's packages as the JDK's {@code jdeps -verbose:package} reads them from the compiled
 * classes, and the cycles among them. Shared with the other modules' architecture tests.
 */
public final class PackageGraph {
    private final Map<String, Set<String>> arrows;

    private PackageGraph(Map<String, Set<String>> arrows) {
        this.arrows = arrows;
    }

    /** The arrows among the packages under {@code prefix} in a classes directory (e.g. target/classes). */
    public static PackageGraph of(Path classes, String prefix) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException(
                "this JDK has no jdeps tool"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", "-filter:none",
                classes.toString());
        if (status != 0) {
            throw new IllegalStateException("jdeps failed (" + status + "): " + err);
        }
        Map<String, Set<String>> arrows = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[1].equals("->") && f[0].startsWith(prefix) && f[2].startsWith(prefix)
                    && !f[0].equals(f[2])) {
                arrows.computeIfAbsent(f[0], k -> new TreeSet<>()).add(f[2]);
            }
        }
        return new PackageGraph(arrows);
    }

    /** The packages each package imports. */
    public Map<String, Set<String>> arrows() {
        return arrows;
    }

    /** Every cycle found by a depth-first search, each as its packages in order; empty when there is none. */
    public List<List<String>> cycles() {
        List<List<String>> found = new ArrayList<>();
        Map<String, Integer> state = new TreeMap<>();
        for (String p : arrows.keySet()) {
            if (!state.containsKey(p)) {
                visit(p, state, new ArrayList<>(), found);
            }
        }
        return found;
    }

    private void visit(String p, Map<String, Integer> state, List<String> path, List<List<String>> found) {
        state.put(p, 1);
        path.add(p);
        for (String q : arrows.getOrDefault(p, Set.of())) {
            Integer s = state.get(q);
            if (s == null) {
                visit(q, state, path, found);
            } else if (s == 1) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(q), path.size()));
                cycle.add(q);
                found.add(cycle);
            }
        }
        path.remove(path.size() - 1);
        state.put(p, 2);
    }
}
