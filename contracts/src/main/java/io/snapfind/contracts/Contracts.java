package io.snapfind.contracts;

/** Facts shared by every event. */
public final class Contracts {

    /** The only schema version this build reads and writes; anything else is dead-lettered. */
    public static final int SCHEMA_VERSION = 1;

    private Contracts() {
    }
}
