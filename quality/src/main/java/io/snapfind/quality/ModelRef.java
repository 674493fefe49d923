package io.snapfind.quality;

/**
 * A vector source: a catalogue model, optionally followed by the projection head given with {@code --head}. Written
 * {@code mobilenetv2} or {@code mobilenetv2+head}.
 */
record ModelRef(String backbone, boolean head) {

    static final String HEAD_SUFFIX = "+head";

    static ModelRef parse(String value) {
        String trimmed = value.trim();
        if (trimmed.endsWith(HEAD_SUFFIX)) {
            return new ModelRef(trimmed.substring(0, trimmed.length() - HEAD_SUFFIX.length()), true);
        }
        return new ModelRef(trimmed, false);
    }

    @Override
    public String toString() {
        return head ? backbone + HEAD_SUFFIX : backbone;
    }
}
