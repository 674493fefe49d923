package io.snapfind.milvus;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds Milvus boolean filter expressions. Values come from events and are untrusted, so every string goes
 * through {@link #literal}: quotes and backslashes are escaped and line breaks become escape sequences, which both
 * Milvus and Milvus Lite read back as the original characters.
 */
public final class Filters {

    private Filters() {
    }

    /** A double-quoted Milvus string literal denoting exactly {@code value}. */
    public static String literal(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    public static String eq(String field, String value) {
        return field + " == " + literal(value);
    }

    public static String in(String field, Collection<String> values) {
        return field + " in " + list(values);
    }

    /** {@code field not in [...]}; callers handle the empty set themselves (it would match every row). */
    public static String notIn(String field, Collection<String> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("'not in' needs at least one value");
        }
        return field + " not in " + list(values);
    }

    public static String and(String... clauses) {
        return join(List.of(clauses), " && ");
    }

    public static String or(List<String> clauses) {
        return join(clauses, " || ");
    }

    private static String join(List<String> clauses, String operator) {
        if (clauses.size() == 1) {
            return clauses.get(0);
        }
        return clauses.stream().map(clause -> "(" + clause + ")").collect(Collectors.joining(operator));
    }

    private static String list(Collection<String> values) {
        return values.stream().map(Filters::literal).collect(Collectors.joining(", ", "[", "]"));
    }
}
