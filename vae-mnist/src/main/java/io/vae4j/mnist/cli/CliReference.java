package io.vae4j.mnist.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/cli.md, generated from the picocli model of {@link VaeCli}: every command with its header, description,
 * usage, options with their defaults, and examples. {@code CliReferenceTest} fails when the file differs from what
 * this generates, so the reference cannot drift from the code; run it with {@code -Dvae.writeCliReference=true}
 * to rewrite the file.
 */
public final class CliReference {
    private CliReference() {
    }

    /** The whole page. */
    public static String markdown() {
        CommandLine root = VaeCli.commandLine();
        StringBuilder md = new StringBuilder();
        md.append("# Command reference\n\n");
        md.append("Generated from the application's command model (`CliReference`); a test keeps it identical to "
                + "what `./vae CMD --help` prints. Every command also takes `-h`/`--help` and `-V`/`--version`.\n\n");
        md.append(text(root.getCommandSpec().usageMessage().header())).append("\n\n");
        md.append("| command | what it does |\n|---|---|\n");
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            md.append("| [`").append(e.getKey()).append("`](#").append(e.getKey()).append(") | ")
                    .append(text(e.getValue().getCommandSpec().usageMessage().header())).append(" |\n");
        }
        md.append('\n');
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            if (!e.getKey().equals("help")) {
                command(md, e.getKey(), e.getValue().getCommandSpec());
                for (Map.Entry<String, CommandLine> sub : e.getValue().getSubcommands().entrySet()) {
                    command(md, e.getKey() + " " + sub.getKey(), sub.getValue().getCommandSpec());
                }
            }
        }
        return md.toString();
    }

    private static void command(StringBuilder md, String name, CommandSpec spec) {
        md.append("## ").append(name).append("\n\n");
        md.append(text(spec.usageMessage().header())).append("\n\n");
        String description = text(spec.usageMessage().description());
        if (!description.isEmpty()) {
            md.append(description).append("\n\n");
        }
        md.append("```\n").append(new CommandLine(spec).getHelp().synopsis(0).strip()).append("\n```\n\n");
        List<String[]> rows = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp() || o.hidden()) {
                continue;
            }
            String names = String.join(", ", o.names());
            String label = o.arity().max() > 0 ? " " + o.paramLabel() : "";
            rows.add(new String[] {"`" + (names + label).replace("|", "\\|") + "`", text(o.description()).replace("${DEFAULT-VALUE}",
                    String.valueOf(o.defaultValue())).replace("|", "\\|")});
        }
        if (!rows.isEmpty()) {
            md.append("| option | meaning |\n|---|---|\n");
            for (String[] r : rows) {
                md.append("| ").append(r[0]).append(" | ").append(r[1]).append(" |\n");
            }
            md.append('\n');
        }
        String[] footer = spec.usageMessage().footer();
        for (CommandLine.Model.PositionalParamSpec p : spec.positionalParameters()) {
            md.append("`").append(p.paramLabel()).append("`: ").append(text(p.description())).append("\n\n");
        }
        if (footer.length > 0) {
            md.append("Examples:\n\n```sh\n");
            for (String f : footer) {
                md.append(f.strip()).append('\n');
            }
            md.append("```\n\n");
        }
    }

    private static String text(String[] lines) {
        return String.join(" ", lines).replace("%n", " ").replaceAll("\\s+", " ").strip();
    }
}
