package io.snapfind.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.snapfind.gateway.ProductFilter.All;
import io.snapfind.gateway.ProductFilter.Any;
import io.snapfind.gateway.ProductFilter.Compare;
import io.snapfind.gateway.ProductFilter.Not;
import io.snapfind.gateway.ProductFilter.Operator;

class ProductFilterTest {

    @Test
    void parsesComparisonsListsAndPrecedence() {
        assertEquals(new All(List.of(new Compare("brand", Operator.EQUALS, List.of("Snap")),
                new Compare("color", Operator.IN, List.of("white", "oak")))),
                ProductFilter.parse("brand=Snap AND color IN (white, oak)").condition());
        // AND binds tighter than OR; keywords in any case; NOT IN and !=.
        assertEquals(new Any(List.of(new Compare("category", Operator.EQUALS, List.of("lamp")),
                new All(List.of(new Not(new Compare("brand", Operator.NOT_EQUALS, List.of("Acme"))),
                        new Compare("size", Operator.NOT_IN, List.of("XL")))))),
                ProductFilter.parse("category = lamp or not brand != Acme and size not in (XL)").condition());
        assertEquals(new Compare("title", Operator.EQUALS, List.of("Oak chair, \"big\" (and) = nice")),
                ProductFilter.parse("title = 'Oak chair, \"big\" (and) = nice'").condition(), "quoted values keep all");
        assertEquals(new Compare("shop.size-cm", Operator.IN, List.of("AND")),
                ProductFilter.parse("(shop.size-cm IN ('AND'))").condition(), "a quoted keyword is a value");
    }

    @Test
    void aBadFilterNamesThePositionWhereItGoesWrong() {
        assertPosition(14, "brand = Snap color = oak", "expected AND, OR or the end, found 'color'");
        assertPosition(9, "brand = ", "but the filter ends");
        assertPosition(7, "brand Snap", "expected =, !=, IN or NOT IN");
        assertPosition(10, "color IN white", "'(' to start the IN list");
        assertPosition(18, "color IN (white, ", "but the filter ends");
        assertPosition(14, "(brand = Snap", "but the filter ends");
        assertPosition(9, "brand = 'Snap", "not closed");
        assertPosition(7, "brand ! Snap", "'!' must be followed by '='");
        assertPosition(1, "AND = x", "expected a field name");
        assertPosition(9, "brand = OR", "expected a value");
        assertPosition(1, "  ", "empty");
        assertPosition(ProductFilter.MAX_LENGTH + 1, "a = b AND ".repeat(300), "longer than");
    }

    private static void assertPosition(int position, String filter, String message) {
        ProductFilter.Invalid invalid = assertThrows(ProductFilter.Invalid.class, () -> ProductFilter.parse(filter));
        assertEquals(position, invalid.position(), invalid.getMessage());
        assertTrue(invalid.getMessage().contains(message), invalid.getMessage());
    }
}
