package io.snapfind.milvus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class FiltersTest {

    @Test
    void quotesBackslashesAndLineBreaksAreEscaped() {
        assertEquals("\"plain\"", Filters.literal("plain"));
        assertEquals("\"a\\\"b\"", Filters.literal("a\"b"));
        assertEquals("\"a\\\\b\"", Filters.literal("a\\b"));
        assertEquals("\"a\\\\\\\"b\"", Filters.literal("a\\\"b"), "an escaped quote in the input stays data");
        assertEquals("\"x\\ny\\rz\\tw\"", Filters.literal("x\ny\rz\tw"));
        assertEquals("\"'single' ünï\"", Filters.literal("'single' ünï"));
    }

    @Test
    void anInjectionAttemptStaysInsideTheLiteral() {
        String hostile = "p1\" || productId != \"";
        assertEquals("productId == \"p1\\\" || productId != \\\"\"", Filters.eq("productId", hostile));
    }

    @Test
    void listsAndCombinations() {
        assertEquals("productId in [\"a\", \"b\"]", Filters.in("productId", List.of("a", "b")));
        assertEquals("cropId not in [\"c\"]", Filters.notIn("cropId", List.of("c")));
        assertEquals("(a) && (b)", Filters.and("a", "b"));
        assertEquals("(a) || (b)", Filters.or(List.of("a", "b")));
        assertEquals("a", Filters.or(List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> Filters.notIn("cropId", List.of()));
    }
}
