package io.vae4j.mnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command answers --help with a one-line header, a usage line and an example; docs/cli.md is current. */
class HelpTest {
    @Test
    void everyCommandHasAHeaderAUsageLineAndAnExample() {
        CliRunner.Run top = CliRunner.run("--help");
        assertEquals(0, top.exitCode());
        Map<String, CommandLine> commands = VaeCli.commandLine().getSubcommands();
        for (String name : commands.keySet()) {
            if (name.equals("help")) {
                continue;
            }
            assertTrue(top.out().lines().anyMatch(l -> l.matches("^  " + name + " +\\S.*")),
                    "./vae --help lists " + name);
            CliRunner.Run r = CliRunner.run(name, "--help");
            assertEquals(0, r.exitCode(), name);
            assertTrue(r.out().contains("Usage: vae " + name), name + ": " + r.out());
            assertTrue(r.out().contains("Examples:\n  ./vae " + name), name + " has an example");
            String[] header = commands.get(name).getCommandSpec().usageMessage().header();
            assertEquals(1, header.length, name + " has a one-line header");
            assertTrue(header[0].length() <= 70, name + "'s header fits the command list: " + header[0]);
        }
        assertTrue(commands.containsKey("bench") && commands.containsKey("completion"));
    }

    @Test
    void oneMeaningForEachShortOption() {
        Map<String, String> meaning = new java.util.HashMap<>();
        List<String> clashes = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : VaeCli.commandLine().getSubcommands().entrySet()) {
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                for (String n : o.names()) {
                    if (n.startsWith("-") && !n.startsWith("--") && !n.equals("-h") && !n.equals("-V")) {
                        String long0 = o.longestName();
                        String before = meaning.putIfAbsent(n, long0);
                        if (before != null && !before.equals(long0)) {
                            clashes.add(n + " is " + before + " and " + long0 + " (" + e.getKey() + ")");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), clashes);
    }

    @Test
    void completionCoversEveryCommand() {
        CliRunner.Run r = CliRunner.run("completion");
        assertEquals(0, r.exitCode());
        for (String name : VaeCli.commandLine().getSubcommands().keySet()) {
            assertTrue(r.out().contains(name), "completion knows " + name);
        }
        assertTrue(r.out().contains("--iwae-k") && r.out().contains("complete -F"), "a bash completion script");
    }

    @Test
    void theCliReferenceIsGeneratedFromTheCode() throws IOException {
        Path file = Path.of("..", "docs", "cli.md");
        String generated = CliReference.markdown();
        if (Boolean.getBoolean("vae.writeCliReference")) {
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(file), "docs/cli.md exists; generate it with -Dvae.writeCliReference=true");
        assertEquals(generated, Files.readString(file, StandardCharsets.UTF_8),
                "docs/cli.md is out of date: run mvn test -pl vae-mnist -Dtest=HelpTest -Dvae.writeCliReference=true");
    }
}
