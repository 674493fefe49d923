package io.snapfind.quality;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * {@code snapfind-quality}: retrieval quality of the embedder's models on a labelled image set. {@code eval} runs
 * one configuration, {@code compare} every model × metric × views combination and the rank fusions. Run through
 * {@code quality/eval.sh}.
 */
@Command(name = "snapfind-quality", mixinStandardHelpOptions = true, version = "snapfind-quality 0.1",
        subcommands = { EvalCommand.class, CompareCommand.class, RoomsCommand.class, WhitenCommand.class,
                BackboneChart.class, ExplainCommand.class,
                CommandLine.HelpCommand.class },
        description = "Retrieval quality of Snapfind's embedding models on a labelled image set: top-1/top-5 accuracy, "
                + "precision@5, mAP@10, per-class figures and query latency, with exact in-memory search.")
public final class QualityCli implements Runnable {

    static {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("java.awt.headless", "true");
    }

    /** The seed of the hold-out split of folder-per-class sets (IKEA), shared with the regression test. */
    static final long HOLD_OUT_SEED = 20261123L;

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new QualityCli()).setCaseInsensitiveEnumValuesAllowed(true);
        // A wrong option value, a missing file or an unusable model is the user's to fix: say what, not where.
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof io.snapfind.embedder.model.ModelLoadException
                    || e instanceof java.io.UncheckedIOException) {
                line.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(commandLine.execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    enum SetKind { GROCERY, IKEA, FOLDERS, GALLERY_QUERIES }

    static int execute(SetOptions setOptions, RunOptions runOptions, List<Configuration> configurations,
            List<String> commandLine) throws Exception {
        EvalSet set = setOptions.load();
        QualityRun.Result result = QualityRun.run(set, configurations, runOptions.settings(), System.out);
        Report report = new Report(result, commandLine);
        report.print(System.out);
        Path projector = runOptions.noProjector ? null
                : runOptions.projectorOut != null ? runOptions.projectorOut : runOptions.out.resolve("projector");
        Path markdown = report.write(runOptions.out, runOptions.examples, projector);
        System.out.println();
        System.out.println("Report: " + markdown.toAbsolutePath());
        return 0;
    }

    static List<ModelRef> refs(List<String> values) {
        return values.stream().map(ModelRef::parse).toList();
    }

    static List<String> commandLine(CommandLine.Model.CommandSpec spec) {
        List<String> words = new ArrayList<>();
        words.add(spec.name());
        words.addAll(spec.commandLine().getParseResult().originalArgs().stream()
                .dropWhile(arg -> arg.equals(spec.name())).toList());
        return words;
    }
}
