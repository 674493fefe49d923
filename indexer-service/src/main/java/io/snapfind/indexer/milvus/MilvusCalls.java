package io.snapfind.indexer.milvus;

import java.util.function.Supplier;

import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import io.snapfind.indexer.CollectionMismatchException;
import io.snapfind.indexer.IndexRejectedException;
import io.snapfind.indexer.IndexUnavailableException;

/**
 * Runs a Milvus call and turns its failures into the indexer's exceptions: requests Milvus will refuse again become
 * {@link IndexRejectedException} (as do requests the SDK cannot even build), everything else
 * {@link IndexUnavailableException} (worth retrying).
 */
final class MilvusCalls {

    private MilvusCalls() {
    }

    static <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (CollectionMismatchException | IndexUnavailableException | IndexRejectedException e) {
            throw e;
        } catch (MilvusClientException e) {
            if (isRejection(e)) {
                throw new IndexRejectedException("Milvus refused to " + what + ": " + e.getMessage(), e);
            }
            throw new IndexUnavailableException("Milvus failed to " + what + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException | NullPointerException e) {
            // Thrown by the SDK while it builds the request from a row: the same row fails again, whatever Milvus does.
            throw new IndexRejectedException("the request to " + what + " is invalid: " + e, e);
        } catch (RuntimeException e) {
            throw new IndexUnavailableException("Milvus failed to " + what + ": " + e, e);
        }
    }

    /** Invalid parameters (the SDK's own checks, or Milvus's 11xx parameter errors) will fail again on retry. */
    static boolean isRejection(MilvusClientException e) {
        if (e.getErrorCode() == ErrorCode.INVALID_PARAMS) {
            return true;
        }
        return e.getErrorCode() == ErrorCode.SERVER_ERROR && e.getServerErrCode() >= 1100 && e.getServerErrCode() < 1200;
    }
}
