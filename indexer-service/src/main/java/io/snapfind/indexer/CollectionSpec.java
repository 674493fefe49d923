package io.snapfind.indexer;

/** The collection holding the vectors of one model: its name, the model id and the vector dimension. */
public record CollectionSpec(String name, String modelId, int dimension) {

    public static CollectionSpec of(String prefix, String modelId, int dimension) {
        return new CollectionSpec(CollectionNaming.collectionName(prefix, modelId, dimension), modelId, dimension);
    }
}
