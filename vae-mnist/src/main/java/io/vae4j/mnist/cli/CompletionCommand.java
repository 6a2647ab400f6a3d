package io.vae4j.mnist.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints a bash/zsh completion script for every command and flag, generated from the command model. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        header = "Print a bash/zsh completion script for ./vae.",
        description = {"Prints a completion script for bash and zsh, generated from the same command model as this "
            + "help, so it knows every command and flag. Load it in the current shell, or add that line to "
            + "~/.bashrc."},
        footerHeading = "%nExamples:%n", footer = {"  ./vae completion > ~/.local/share/bash-completion/completions/vae",
            "  source <(./vae completion)"})
final class CompletionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        spec.commandLine().getOut().print(AutoComplete.bash("vae", root));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
