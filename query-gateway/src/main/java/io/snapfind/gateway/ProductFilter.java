package io.snapfind.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A filter over the catalog's categories and metadata, as a shopper or a catalog UI writes it, for example
 * {@code brand = Snap AND color IN (white, oak)} or {@code category IN (chair, couch) AND NOT brand = Acme}.
 *
 * <pre>
 * filter     := or
 * or         := and ("OR" and)*
 * and        := unary ("AND" unary)*
 * unary      := "NOT" unary | "(" or ")" | comparison
 * comparison := field ("=" | "!=") value | field ["NOT"] "IN" "(" value ("," value)* ")"
 * field      := letters, digits, "_", "-" or "." (starting with a letter or "_"); "category" is the product's
 *               category, any other name a key of its metadata
 * value      := a bare word (no blank, quote, comma, parenthesis, "=" or "!") or a '…' / "…" quoted string
 * </pre>
 *
 * Keywords are case-insensitive; field names and values are not. A malformed filter is a {@link Invalid} naming the
 * position (1-based) where it goes wrong. The parsed {@link #condition()} is handed to the index, which turns it
 * into its own filter, so that the search itself is filtered and {@code k} hits still come back.
 */
public final class ProductFilter {

    /** Longest filter accepted, in characters: a filter is typed or built by a UI, never a document. */
    public static final int MAX_LENGTH = 2_000;

    /** The filter cannot be parsed; {@link #position()} is 1-based. */
    public static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final int position;

        Invalid(int position, String message) {
            super("filter position " + position + ": " + message);
            this.position = position;
        }

        public int position() {
            return position;
        }
    }

    /** The parsed filter. */
    public sealed interface Condition permits All, Any, Not, Compare {
    }

    public record All(List<Condition> conditions) implements Condition {
    }

    public record Any(List<Condition> conditions) implements Condition {
    }

    public record Not(Condition condition) implements Condition {
    }

    /**
     * {@code field op values}; {@code field} is {@link #CATEGORY} or a metadata key. {@code =} and {@code !=} have
     * one value.
     */
    public record Compare(String field, Operator operator, List<String> values) implements Condition {
    }

    public enum Operator { EQUALS, NOT_EQUALS, IN, NOT_IN }

    /** The field name that means the product's category rather than a metadata key. */
    public static final String CATEGORY = "category";

    private final String text;
    private final Condition condition;

    private ProductFilter(String text, Condition condition) {
        this.text = text;
        this.condition = condition;
    }

    public static ProductFilter parse(String text) {
        if (text == null || text.isBlank()) {
            throw new Invalid(1, "the filter is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new Invalid(MAX_LENGTH + 1, "the filter is longer than " + MAX_LENGTH + " characters");
        }
        Parser parser = new Parser(tokens(text), text.length());
        Condition condition = parser.or();
        parser.expectEnd();
        return new ProductFilter(text, condition);
    }

    /** Only products of this category. */
    public static ProductFilter category(String category) {
        return new ProductFilter("category = '" + category + "'",
                new Compare(CATEGORY, Operator.EQUALS, List.of(category)));
    }

    /** Both filters must hold. */
    public ProductFilter and(ProductFilter other) {
        return new ProductFilter("(" + text + ") AND (" + other.text + ")",
                new All(List.of(condition, other.condition)));
    }

    public Condition condition() {
        return condition;
    }

    @Override
    public String toString() {
        return text;
    }

    private enum Kind { WORD, QUOTED, OPEN, CLOSE, COMMA, EQUALS, NOT_EQUALS }

    private record Token(Kind kind, String text, int position) {
        boolean keyword(String keyword) {
            return kind == Kind.WORD && text.toUpperCase(Locale.ROOT).equals(keyword);
        }
    }

    private static List<Token> tokens(String text) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int position = i + 1;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == ',' || c == '=') {
                tokens.add(new Token(switch (c) {
                    case '(' -> Kind.OPEN;
                    case ')' -> Kind.CLOSE;
                    case ',' -> Kind.COMMA;
                    default -> Kind.EQUALS;
                }, String.valueOf(c), position));
                i++;
            } else if (c == '!') {
                if (i + 1 >= text.length() || text.charAt(i + 1) != '=') {
                    throw new Invalid(position, "'!' must be followed by '=' (not equal)");
                }
                tokens.add(new Token(Kind.NOT_EQUALS, "!=", position));
                i += 2;
            } else if (c == '\'' || c == '"') {
                int end = text.indexOf(c, i + 1);
                if (end < 0) {
                    throw new Invalid(position, "the quoted value is not closed with " + c);
                }
                tokens.add(new Token(Kind.QUOTED, text.substring(i + 1, end), position));
                i = end + 1;
            } else {
                int end = i;
                while (end < text.length() && !Character.isWhitespace(text.charAt(end))
                        && "(),=!'\"".indexOf(text.charAt(end)) < 0) {
                    end++;
                }
                tokens.add(new Token(Kind.WORD, text.substring(i, end), position));
                i = end;
            }
        }
        return tokens;
    }

    /** Recursive descent over the tokens. */
    private static final class Parser {
        private final List<Token> tokens;
        private final int length;
        private int next;

        Parser(List<Token> tokens, int length) {
            this.tokens = tokens;
            this.length = length;
        }

        Condition or() {
            List<Condition> conditions = new ArrayList<>(List.of(and()));
            while (peekKeyword("OR")) {
                next++;
                conditions.add(and());
            }
            return conditions.size() == 1 ? conditions.get(0) : new Any(List.copyOf(conditions));
        }

        private Condition and() {
            List<Condition> conditions = new ArrayList<>(List.of(unary()));
            while (peekKeyword("AND")) {
                next++;
                conditions.add(unary());
            }
            return conditions.size() == 1 ? conditions.get(0) : new All(List.copyOf(conditions));
        }

        private Condition unary() {
            Token token = take("a condition such as brand = Snap");
            if (token.keyword("NOT")) {
                return new Not(unary());
            }
            if (token.kind() == Kind.OPEN) {
                Condition inner = or();
                expect(Kind.CLOSE, "')'");
                return inner;
            }
            return comparison(token);
        }

        private Condition comparison(Token field) {
            if (field.kind() != Kind.WORD || !field.text().matches("[A-Za-z_][A-Za-z0-9_.-]*")
                    || isKeyword(field)) {
                throw new Invalid(field.position(), "expected a field name (letters, digits, _ - .), found '"
                        + field.text() + "'");
            }
            Token operator = take("=, !=, IN or NOT IN after '" + field.text() + "'");
            if (operator.kind() == Kind.EQUALS) {
                return new Compare(field.text(), Operator.EQUALS, List.of(value()));
            }
            if (operator.kind() == Kind.NOT_EQUALS) {
                return new Compare(field.text(), Operator.NOT_EQUALS, List.of(value()));
            }
            boolean negated = operator.keyword("NOT");
            if (negated) {
                operator = take("IN after NOT");
            }
            if (!operator.keyword("IN")) {
                throw new Invalid(operator.position(), "expected =, !=, IN or NOT IN after '" + field.text()
                        + "', found '" + operator.text() + "'");
            }
            expect(Kind.OPEN, "'(' to start the IN list");
            List<String> values = new ArrayList<>(List.of(value()));
            while (peek() != null && peek().kind() == Kind.COMMA) {
                next++;
                values.add(value());
            }
            expect(Kind.CLOSE, "',' or ')' in the IN list");
            return new Compare(field.text(), negated ? Operator.NOT_IN : Operator.IN, List.copyOf(values));
        }

        private String value() {
            Token token = take("a value");
            if (token.kind() == Kind.QUOTED || token.kind() == Kind.WORD && !isKeyword(token)) {
                return token.text();
            }
            throw new Invalid(token.position(), "expected a value, found '" + token.text() + "' (quote it if it is "
                    + "meant as a value)");
        }

        void expectEnd() {
            if (next < tokens.size()) {
                Token extra = tokens.get(next);
                throw new Invalid(extra.position(), "expected AND, OR or the end, found '" + extra.text() + "'");
            }
        }

        private void expect(Kind kind, String what) {
            Token token = take(what);
            if (token.kind() != kind) {
                throw new Invalid(token.position(), "expected " + what + ", found '" + token.text() + "'");
            }
        }

        private Token take(String what) {
            if (next >= tokens.size()) {
                throw new Invalid(length + 1, "expected " + what + " but the filter ends");
            }
            return tokens.get(next++);
        }

        private Token peek() {
            return next < tokens.size() ? tokens.get(next) : null;
        }

        private boolean peekKeyword(String keyword) {
            return peek() != null && peek().keyword(keyword);
        }

        private static boolean isKeyword(Token token) {
            return token.keyword("AND") || token.keyword("OR") || token.keyword("NOT") || token.keyword("IN");
        }
    }
}
