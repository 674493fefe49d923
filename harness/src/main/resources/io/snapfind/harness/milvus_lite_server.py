"""Milvus Lite's own server (`milvus-lite server ...`), with every call on a collection made one at a time.

Milvus Lite 3.2.2 answers gRPC calls on a pool of threads, but its Collection is not safe for concurrent calls:
a flush first swaps in an empty in-memory table and only then publishes the flushed rows as a segment, so a query,
a search or a delete by filter that runs in between misses rows that were acknowledged (a delete by filter is a
query followed by a delete by key, so those rows survive the delete). By the code, a write that runs in between
could also land in the table being flushed (not observed). The Snapfind harness starts Milvus Lite through this
file, which wraps each such method in one re-entrant lock per collection. Background compaction keeps its own lock
and is not affected.
"""
import functools
import sys
import threading

from milvus_lite.cmdline import main
from milvus_lite.engine.collection import Collection

# The Collection methods the gRPC servicer calls that read or change rows, indexes or load state
# (_num_entities is behind num_entities, which answers count(*) without a filter).
SERIALIZED = ("insert", "upsert", "delete", "get", "search", "query", "_num_entities", "flush", "create_index",
              "drop_index", "load", "release", "create_partition", "drop_partition", "close")


def _serialized(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        with self._snapfind_calls:
            return method(self, *args, **kwargs)
    return call


def _with_lock(init):
    @functools.wraps(init)
    def construct(self, *args, **kwargs):
        self._snapfind_calls = threading.RLock()
        init(self, *args, **kwargs)
    return construct


Collection.__init__ = _with_lock(Collection.__init__)
for name in SERIALIZED:
    setattr(Collection, name, _serialized(getattr(Collection, name)))

if __name__ == "__main__":
    sys.argv[0] = "milvus-lite"
    sys.exit(main())
