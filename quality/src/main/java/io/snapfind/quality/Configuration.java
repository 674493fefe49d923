package io.snapfind.quality;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One way of searching: the vector sources (one, or several whose rankings are fused by reciprocal rank), the
 * metric and the views.
 */
record Configuration(List<ModelRef> members, Metric metric, Mode mode) {

    Configuration {
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a configuration needs at least one model");
        }
    }

    boolean fused() {
        return members.size() > 1;
    }

    String models() {
        return fused() ? "RRF(" + members.stream().map(ModelRef::toString).collect(Collectors.joining(" + ")) + ")"
                : members.get(0).toString();
    }

    String name() {
        return models() + " | " + metric.id() + " | " + mode.id();
    }
}
