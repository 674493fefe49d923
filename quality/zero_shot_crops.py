#!/usr/bin/env python3
"""QUALITY.md, grocery zero-shot: the centre crop (the catalogue's `resize`) chosen on train.txt, and experiment 12's
matted photos scored.

  pip install onnxruntime pillow numpy
  python3 quality/zero_shot_crops.py train|val 224/256 224/288 ...     (input side / shorter side resized to)
  python3 quality/zero_shot_crops.py val 224/256 --queries M --gallery M   (photos from `isnet_matte.py grocery --out M`)

EfficientNet-Lite0 (the built efficientnet_lite0.onnx), no head: every photo of the split queries the 81 iconic
images by cosine; top-1 and top-5, fine class. A replica of the embedder's preprocessing in PIL (shorter side
resized with the antialiased bilinear filter, centre crop, (pixel - 127) / 128): its figures compare among
themselves (at 256 it gives val top-1 0.382 as the Java tools do, top-5 0.679 against their 0.693).
"""
import argparse, csv, os, time
import numpy as np, onnxruntime as ort
from PIL import Image

DATASET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "assets", "datasets",
                       "grocery-store", "dataset")


def preprocess(path, resize, side):
    image = Image.open(path).convert("RGB")
    w, h = image.size
    if w < h:
        nw, nh = resize, max(side, int(resize * h / w))
    else:
        nw, nh = max(side, int(resize * w / h)), resize
    image = image.resize((nw, nh), Image.BILINEAR)
    left, top = round((nw - side) / 2), round((nh - side) / 2)
    image = image.crop((left, top, left + side, top + side))
    return ((np.asarray(image, dtype=np.float32) - 127) / 128).transpose(2, 0, 1)


def embed(session, paths, resize, side):
    vectors = []
    for i in range(0, len(paths), 32):
        batch = np.stack([preprocess(p, resize, side) for p in paths[i:i + 32]])
        features = session.run(["features"], {session.get_inputs()[0].name: batch})[0]
        vectors.append(features / np.linalg.norm(features, axis=1, keepdims=True))
    return np.concatenate(vectors)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("split", choices=["train", "val"])
    parser.add_argument("crops", nargs="+", help="SIDE/RESIZE, e.g. 224/256 (the deployed crop)")
    parser.add_argument("--queries", default=DATASET, help="folder the split's photos are read from")
    parser.add_argument("--gallery", default=DATASET, help="folder the iconic images are read from")
    parser.add_argument("--model", default=os.path.expanduser("~/.cache/snapfind/models/efficientnet_lite0.onnx"))
    args = parser.parse_args()
    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count()
    session = ort.InferenceSession(args.model, options)
    classes = list(csv.DictReader(open(os.path.join(DATASET, "classes.csv"))))
    icons = [os.path.join(args.gallery, c["Iconic Image Path (str)"].lstrip("/")) for c in classes]
    icon_classes = np.array([int(c["Class ID (int)"]) for c in classes])
    rows = [line.split(",") for line in open(os.path.join(DATASET, args.split + ".txt")) if line.strip()]
    queries = [os.path.join(args.queries, r[0].strip()) for r in rows]
    query_classes = np.array([int(r[1]) for r in rows])
    for crop in args.crops:
        side, resize = (int(v) for v in crop.split("/"))
        started = time.time()
        order = np.argsort(-(embed(session, queries, resize, side) @ embed(session, icons, resize, side).T), axis=1)
        top1 = (icon_classes[order[:, 0]] == query_classes).mean()
        top5 = np.mean([query_classes[i] in icon_classes[order[i, :5]] for i in range(len(query_classes))])
        print(f"{args.split} side {side} resize {resize} (keeps {side / resize:.2f}): top-1 {top1:.3f} top-5 "
              f"{top5:.3f} ({time.time() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
