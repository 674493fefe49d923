package io.snapfind.gateway;

/** The query was embedded with one model while the index serves another's vectors (during a re-index switch). */
public final class ModelMismatchException extends RuntimeException {

    public ModelMismatchException(String queryModel, String indexModel) {
        super("the index serves vectors of model '" + indexModel + "' but the query was embedded with '" + queryModel
                + "' (a re-index is switching models): retry shortly");
    }
}
