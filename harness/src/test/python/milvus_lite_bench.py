"""Milvus Lite search latency as the gateway searches, alone and beside the indexer's writes (bench-milvus-lite.sh)."""
import statistics
import sys
import threading
import time

import numpy as np
from pymilvus import DataType, MilvusClient

DIMENSION = 2560  # the deployed fusion
OUTPUT_FIELDS = ["productId", "category", "title", "metadata", "imageId", "label", "box"]
uri, products = sys.argv[1], int(sys.argv[2])
client = MilvusClient(uri=uri)
schema = client.create_schema(auto_id=False)
schema.add_field("cropId", DataType.VARCHAR, max_length=64, is_primary=True)
for field in ["productId", "imageId", "category", "title", "label", "modelId"]:
    schema.add_field(field, DataType.VARCHAR, max_length=512)
schema.add_field("metadata", DataType.JSON)
schema.add_field("box", DataType.ARRAY, element_type=DataType.INT32, max_capacity=4)
schema.add_field("score", DataType.FLOAT)
schema.add_field("occurredAt", DataType.INT64)
schema.add_field("indexedAt", DataType.INT64)
schema.add_field("vector", DataType.FLOAT_VECTOR, dim=DIMENSION)
indexes = client.prepare_index_params()
indexes.add_index("vector", index_type="HNSW", metric_type="COSINE", params={"M": 16, "efConstruction": 200})
indexes.add_index("productId", index_type="INVERTED")
client.create_collection("crops", schema=schema, index_params=indexes)
random = np.random.default_rng(1)


def unit():
    vector = random.standard_normal(DIMENSION).astype(np.float32)
    return (vector / np.linalg.norm(vector)).tolist()


def rows(product):
    return [dict(cropId=f"{product}-{k}", productId=product, imageId=product, category="c", title="t", label="chair",
                 modelId="m", metadata={"k": "v"}, box=[0, 0, 10, 10], score=0.5, occurredAt=1, indexedAt=1,
                 vector=unit()) for k in range(3)]


start = time.time()
for i in range(products):
    client.upsert("crops", rows(f"p{i}"))
    if (i + 1) % 500 == 0:
        print(f"  upserted {i + 1}/{products}", flush=True)
print(f"upserts: {(time.time() - start) / products * 1000:.1f} ms per product (3 rows)")


def search():
    sent = time.time()
    client.search("crops", data=[unit()], limit=50, output_fields=OUTPUT_FIELDS, anns_field="vector")
    return (time.time() - sent) * 1000


def run(threads, writer, seconds=8):
    stop = time.time() + seconds
    latencies, writes = [], [0]

    def searcher():
        while time.time() < stop:
            latencies.append(search())

    def write():  # the indexer's pattern: read the product's rows, then upsert them
        while time.time() < stop:
            began, product = time.time(), f"w{writes[0]}"
            client.query("crops", filter=f'productId == "{product}"', output_fields=["cropId", "imageId"])
            client.upsert("crops", rows(product))
            writes[0] += 1
            time.sleep(max(0.0, 1 / 2.7 - (time.time() - began)))

    workers = [threading.Thread(target=searcher) for _ in range(threads)]
    if writer:
        workers.append(threading.Thread(target=write))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    latencies.sort()
    print(f"{threads} search threads, {'with' if writer else 'no'} writer: {len(latencies) / seconds:.1f} searches/s, "
          f"median {statistics.median(latencies):.0f} ms, p90 {latencies[int(len(latencies) * 0.9)]:.0f} ms"
          + (f", {writes[0]} products written" if writer else ""), flush=True)


time.sleep(5)  # let the background index builds of the last flushes finish
run(1, False)
run(8, False)
run(1, True)
run(8, True)
