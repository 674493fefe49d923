package io.snapfind.gateway.milvus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.snapfind.gateway.ProductFilter;

/** A parsed filter as the Milvus expression the search sends: keys as JSON paths, every string escaped. */
class FilterExpressionTest {

    @Test
    void valuesAndKeysReachMilvusAsEscapedLiterals() {
        assertEquals("(metadata[\"brand\"] == \"Snap\") && ((metadata[\"color\"] == \"white\") || "
                + "(metadata[\"color\"] == \"oak\"))",
                MilvusCropIndex.expression(ProductFilter.parse("brand = Snap AND color IN (white, oak)").condition()));
        assertEquals("category == \"a\\\" || true || \\\"\"",
                MilvusCropIndex.expression(ProductFilter.parse("category = 'a\" || true || \"'").condition()),
                "an injected expression stays inside the literal");
        assertEquals("not (not (metadata[\"size\"] == \"XL\"))",
                MilvusCropIndex.expression(ProductFilter.parse("NOT size NOT IN (XL)").condition()));
        assertEquals("category not in [\"chair\", \"couch\"]",
                MilvusCropIndex.expression(ProductFilter.parse("category NOT IN (chair, couch)").condition()),
                "the category is a plain field: Milvus takes a list");
        assertEquals("(category == \"chair\") && (metadata[\"a\"] == \"b\")",
                MilvusCropIndex.expression(ProductFilter.category("chair").and(ProductFilter.parse("a = b")).condition()));
    }
}
