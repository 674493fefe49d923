package io.snapfind.quality;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr, or nothing (tests, {@code --no-progress}). */
interface Progress extends AutoCloseable {

    void step();

    @Override
    void close();

    static Progress none() {
        return new Progress() {
            @Override
            public void step() {
            }

            @Override
            public void close() {
            }
        };
    }

    /** A redrawn bar on a terminal; elsewhere (a log file) a plain line every few seconds. */
    static Progress bar(String task, long total) {
        boolean terminal = System.console() != null;
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(terminal ? 250 : 10_000).showSpeed()
                .setConsumer(terminal ? new ConsoleProgressBarConsumer(System.err)
                        : new DelegatingProgressBarConsumer(System.err::println))
                .build();
        return new Progress() {
            @Override
            public void step() {
                bar.step();
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }
}
