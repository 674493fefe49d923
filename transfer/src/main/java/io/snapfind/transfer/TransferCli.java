package io.snapfind.transfer;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code train-head}, {@code evaluate-head}, {@code unseen-classes}, {@code features}; transfer/train-head.sh runs this. */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        subcommands = { TrainHeadCommand.class, EvaluateHeadCommand.class, UnseenClassesCommand.class,
                ExtractFeaturesCommand.class },
        description = "Train a projection head on a frozen backbone's features (any embedder catalogue model), and "
                + "measure it.")
public final class TransferCli {

    /** The training set a head is trained and cross-validated on. */
    public static final String TRAIN_SET = "train";

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        System.exit(new CommandLine(new TransferCli()).execute(args));
    }

    /** The description beside a head file: {@code <head>.properties}, key {@code backbone} its catalogue id. */
    static Path description(Path head) {
        return head.resolveSibling(head.getFileName() + ".properties");
    }

    /** The backbone id recorded beside {@code head}, or null when there is no description. */
    static String recordedBackbone(Path head) {
        Path file = description(head);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot read " + file, e);
        }
        return properties.getProperty("backbone");
    }

}
