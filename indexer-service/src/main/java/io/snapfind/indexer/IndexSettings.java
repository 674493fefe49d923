package io.snapfind.indexer;

import java.util.Objects;

/**
 * How the indexer lays out its collections: every collection name starts with {@code prefix}; {@code active} is
 * the configured model's collection, which the alias points at when the alias does not exist yet;
 * {@code autoCreate} lets a vectors event of another model create that model's collection (how a re-index fills a
 * new collection).
 */
public record IndexSettings(String prefix, String alias, CollectionSpec active, boolean autoCreate) {

    public IndexSettings {
        CollectionNaming.requirePrefix(prefix);
        if (alias == null || !CollectionNaming.PREFIX.matcher(alias).matches()) {
            throw new IllegalArgumentException("alias '" + alias
                    + "' must start with a letter or underscore and contain only letters, digits and underscores");
        }
        Objects.requireNonNull(active, "active collection");
    }

    public static IndexSettings of(String prefix, String alias, String modelId, int dimension, boolean autoCreate) {
        return new IndexSettings(prefix, alias, CollectionSpec.of(prefix, modelId, dimension), autoCreate);
    }
}
