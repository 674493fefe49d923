package io.snapfind.quality;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate one configuration: a model (or a rank fusion of several), a metric and the views.")
final class EvalCommand implements Callable<Integer> {
    @Mixin
    SetOptions set = new SetOptions();

    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = "--model", defaultValue = "mobilenetv2", description = "catalogue model id, or "
            + "<id>+head with --head. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--fuse", split = ",", description = "fuse the rankings of these models (ids or "
            + "<id>+head) by reciprocal rank fusion instead of --model, e.g. mobilenetv2,mobilenetv2-logits.")
    List<String> fuse;

    @Option(names = "--metric", defaultValue = "cosine",
            description = "cosine or euclidean (on the raw output). Default: ${DEFAULT-VALUE}.")
    String metric;

    @Option(names = "--mode", defaultValue = "whole",
            description = "whole, crops, crops+whole or indexed (the query photo whole against the gallery's "
                    + "crops and whole images, as deployed). Default: ${DEFAULT-VALUE}.")
    String mode;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<ModelRef> members = fuse != null && !fuse.isEmpty() ? QualityCli.refs(fuse) : List.of(ModelRef.parse(model));
        Configuration configuration = new Configuration(members, Metric.parse(metric), Mode.parse(mode));
        return QualityCli.execute(set, run, List.of(configuration), QualityCli.commandLine(spec));
    }
}
