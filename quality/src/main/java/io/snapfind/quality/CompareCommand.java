package io.snapfind.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import io.snapfind.embedder.model.EmbedderCatalogue;
import io.snapfind.embedder.model.ModelCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "compare", mixinStandardHelpOptions = true, description = "Compare every model × metric × "
        + "views combination, and rank fusions of the models, on one set; print a table and write the report.")
final class CompareCommand implements Callable<Integer> {
    @Mixin
    SetOptions set = new SetOptions();

    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = "--models", split = ",", description = "models to compare (ids or <id>+head). Default: "
            + "every model of the embedder's catalogue, plus <--head-model>+head when --head is given.")
    List<String> models;

    @Option(names = "--head-model", defaultValue = "mobilenetv2",
            description = "the model --head was trained on. Default: ${DEFAULT-VALUE}.")
    String headModel;

    @Option(names = "--metrics", split = ",", defaultValue = "cosine,euclidean",
            description = "Default: ${DEFAULT-VALUE}.")
    List<String> metrics;

    @Option(names = "--modes", split = ",", defaultValue = "whole,crops,crops+whole,indexed",
            description = "Default: ${DEFAULT-VALUE}.")
    List<String> modes;

    @Option(names = "--fuse", description = "a fusion to add, e.g. mobilenetv2,mobilenetv2-logits "
            + "(repeatable). Default: every combination of two or more of the models.")
    List<String> fuse;

    @Option(names = "--no-fusion", description = "compare single models only.")
    boolean noFusion;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<ModelRef> refs;
        if (models != null && !models.isEmpty()) {
            refs = QualityCli.refs(models);
        } else {
            ModelCatalog catalog = EmbedderCatalogue.load(run.modelsDir());
            List<ModelRef> all = new ArrayList<>();
            catalog.ids().forEach(id -> all.add(new ModelRef(id, false)));
            if (run.head != null) {
                all.add(new ModelRef(headModel, true));
            }
            refs = all;
        }
        List<List<ModelRef>> fusions = new ArrayList<>();
        if (!noFusion) {
            if (fuse != null && !fuse.isEmpty()) {
                fuse.forEach(f -> fusions.add(QualityCli.refs(Arrays.asList(f.split(",")))));
            } else {
                fusions.addAll(combinations(refs));
            }
        }
        List<Configuration> configurations = new ArrayList<>();
        for (String metricName : metrics) {
            Metric metric = Metric.parse(metricName);
            for (String modeName : modes) {
                Mode mode = Mode.parse(modeName);
                refs.forEach(ref -> configurations.add(new Configuration(List.of(ref), metric, mode)));
                fusions.forEach(members -> configurations.add(new Configuration(members, metric, mode)));
            }
        }
        return QualityCli.execute(set, run, configurations, QualityCli.commandLine(spec));
    }

    /** Every subset of two or more, smallest first. */
    static List<List<ModelRef>> combinations(List<ModelRef> refs) {
        List<List<ModelRef>> subsets = new ArrayList<>();
        int n = refs.size();
        for (int size = 2; size <= n; size++) {
            for (int mask = 0; mask < (1 << n); mask++) {
                if (Integer.bitCount(mask) == size) {
                    List<ModelRef> subset = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        if ((mask & (1 << i)) != 0) {
                            subset.add(refs.get(i));
                        }
                    }
                    subsets.add(subset);
                }
            }
        }
        return subsets;
    }
}
