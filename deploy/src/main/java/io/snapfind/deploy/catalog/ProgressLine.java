package io.snapfind.deploy.catalog;

import java.io.PrintStream;

/**
 * The import's progress as two bars on one line, published and indexed: redrawn in place on a terminal, a line every
 * ten seconds otherwise (a log file). Not the quality tool's me.tongfei progressbar: it redraws each bar on the
 * current line from a thread of its own, so two bars at once overwrite each other.
 */
public final class ProgressLine {

    private static final int WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final long everyNanos;
    private long lastShown;
    private String last = "";

    public ProgressLine(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
        this.everyNanos = terminal ? 200_000_000L : 10_000_000_000L;
    }

    /** Shows the counts if enough time has passed since the last time, or always when {@code last} is set. */
    public void show(CatalogImport.Counts counts, boolean finalLine) {
        long now = System.nanoTime();
        if (!finalLine && lastShown != 0 && now - lastShown < everyNanos) {
            return;
        }
        lastShown = now;
        int total = Math.max(1, counts.rows());
        String line = String.format("published %s %d/%d   indexed %s %d/%d   skipped %d   failed %d",
                bar(counts.published(), total), counts.published(), counts.rows(),
                bar(counts.indexed() + counts.skipped(), total), counts.indexed(), counts.rows(), counts.skipped(),
                counts.failed());
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, last.length() - line.length())) + (finalLine ? "\n" : ""));
            out.flush();
        } else if (!line.equals(last) || finalLine) {
            out.println(line);
        }
        last = line;
    }

    static String bar(int done, int total) {
        int filled = (int) Math.round((double) WIDTH * Math.min(done, total) / total);
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "]";
    }
}
