package io.snapfind.gateway;

/** Whether the photo is one query, or one query per detected object (a shopper photographing a whole room). */
public enum SearchMode {
    WHOLE, OBJECTS
}
