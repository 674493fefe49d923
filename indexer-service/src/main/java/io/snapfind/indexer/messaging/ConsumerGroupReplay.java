package io.snapfind.indexer.messaging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

import io.snapfind.indexer.AdminException;

/**
 * Rewinds a consumer group to the start of a topic, so its service replays it: for a re-index, the detector's group
 * on the compacted {@code catalog.products}, which holds the latest state of every product. Kafka only lets the
 * offsets of a group without members be changed, so the service must be stopped first and started afterwards.
 */
public final class ConsumerGroupReplay {

    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;

    public ConsumerGroupReplay(Admin admin) {
        this.admin = admin;
    }

    /** Sets the group's committed offset of every partition of {@code topic} to the earliest one still stored. */
    public Map<Integer, Long> rewindToEarliest(String group, String topic) {
        try {
            ConsumerGroupDescription description;
            try {
                description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
                description = null;
            }
            if (description != null && !description.members().isEmpty()) {
                throw new AdminException(AdminException.Kind.CONFLICT, "consumer group " + group + " has "
                        + description.members().size() + " active member(s): stop that service, replay, then start it");
            }
            TopicDescription topicDescription = admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            topicDescription.partitions().forEach(p -> earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest()));
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            Map<Integer, Long> result = new java.util.TreeMap<>();
            admin.listOffsets(earliest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).forEach((partition, info) -> {
                offsets.put(partition, new OffsetAndMetadata(info.offset()));
                result.put(partition.partition(), info.offset());
            });
            admin.alterConsumerGroupOffsets(group, offsets).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rewinding " + group, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                throw new AdminException(AdminException.Kind.NOT_FOUND, "no topic " + topic);
            }
            throw new IllegalStateException("Kafka refused to rewind " + group + ": " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT_SECONDS + " s", e);
        }
    }
}
