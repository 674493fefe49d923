package io.snapfind.harness;

import io.snapfind.contracts.DeadLetter;
import io.snapfind.contracts.Topics;

/**
 * Creates Snapfind's topics before anything subscribes, so consumers see them at once instead of after their next
 * metadata refresh. Only the catalog is compacted: it is the product state that a re-index replays.
 */
public final class SnapfindTopics {

    public static final int PARTITIONS = 3;

    private SnapfindTopics() {
    }

    public static void create(KafkaBroker broker) {
        broker.createTopics(PARTITIONS, true, Topics.CATALOG_PRODUCTS);
        broker.createTopics(PARTITIONS, false, Topics.IMAGES_CROPS, Topics.IMAGES_VECTORS,
                DeadLetter.topicFor(Topics.CATALOG_PRODUCTS), DeadLetter.topicFor(Topics.IMAGES_CROPS),
                DeadLetter.topicFor(Topics.IMAGES_VECTORS));
    }
}
