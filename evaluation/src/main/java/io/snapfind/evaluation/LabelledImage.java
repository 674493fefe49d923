package io.snapfind.evaluation;

import java.nio.file.Path;

/** An image file and the class it belongs to. */
public record LabelledImage(Path path, String label) {
}
