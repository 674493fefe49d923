package io.snapfind.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Objects;

/** Field-by-field record comparison; records hold arrays, whose equals() compares identity. */
final class ContentAssertions {

    private ContentAssertions() {
    }

    static void assertSameContent(Object expected, Object actual) {
        assertSameContent(expected, actual, "$");
    }

    private static void assertSameContent(Object expected, Object actual, String path) {
        if (expected != null && expected.getClass().isRecord()) {
            assertEquals(expected.getClass(), actual.getClass(), path);
            for (RecordComponent component : expected.getClass().getRecordComponents()) {
                assertSameContent(read(component, expected), read(component, actual), path + "." + component.getName());
            }
        } else if (expected instanceof List<?> expectedList && actual instanceof List<?> actualList) {
            assertEquals(expectedList.size(), actualList.size(), path + " size");
            for (int i = 0; i < expectedList.size(); i++) {
                assertSameContent(expectedList.get(i), actualList.get(i), path + "[" + i + "]");
            }
        } else {
            assertTrue(Objects.deepEquals(expected, actual), path + ": expected " + expected + " but was " + actual);
        }
    }

    private static Object read(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
