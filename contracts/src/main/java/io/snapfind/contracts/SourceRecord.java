package io.snapfind.contracts;

/** One consumed Kafka record, as the domain sees it. {@code value} may be null (a tombstone). */
public record SourceRecord(String topic, int partition, long offset, String key, byte[] value) {
}
