package io.snapfind.contracts;

import static io.snapfind.contracts.ContractViolation.invalid;

/** An axis-aligned box in pixels of the original image; (x1, y1) inclusive top-left, (x2, y2) bottom-right. */
public record Box(int x1, int y1, int x2, int y2) {

    public Box {
        if (x1 < 0) {
            throw invalid("x1", "must not be negative, got " + x1);
        }
        if (y1 < 0) {
            throw invalid("y1", "must not be negative, got " + y1);
        }
        if (x2 <= x1) {
            throw invalid("x2", "must be greater than x1 (" + x1 + "), got " + x2);
        }
        if (y2 <= y1) {
            throw invalid("y2", "must be greater than y1 (" + y1 + "), got " + y2);
        }
    }
}
