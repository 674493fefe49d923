package io.snapfind.gateway.milvus;

/** Builds Milvus boolean expressions from untrusted values. */
final class MilvusFilters {

    private MilvusFilters() {
    }

    /** A double-quoted Milvus string literal; backslashes and quotes are escaped so a value cannot end the literal. */
    static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
