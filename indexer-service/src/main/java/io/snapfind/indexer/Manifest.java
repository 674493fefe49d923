package io.snapfind.indexer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the index keeps of one product in one collection besides its rows: the crop ids per image this indexer last
 * wrote, the version they are of, and whether that version deleted the product. A deletion leaves such a tombstone,
 * with no images, so that a late event of an older version cannot bring the product back. {@code version} is null
 * for manifests written before versions were kept: any event may then be applied.
 */
public record Manifest(Map<String, Set<String>> images, ProductVersion version, boolean deleted) {

    public Manifest {
        images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
    }

    public static Manifest tombstone(ProductVersion version) {
        return new Manifest(Map.of(), version, true);
    }
}
