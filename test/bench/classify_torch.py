"""PyTorch CPU baseline for the cell-classifier benchmark: the shipped architecture (MarrowNet-S), all
ensemble members, batch sizes 1, 16 and 64, printed as one JSON object on stdout so test/bench/classify.ts
can run it in the same session and report onnxruntime's ratio against it.

  /usr/bin/python3 test/bench/classify_torch.py [--threads 2] [--batches 1,16,64] [--seconds 3]

Timed: the forward pass of every member on an already-normalised float32 NCHW batch, then softmax(z/T)
and the mean over members (what the engine does after preprocessing). Weights come from the trained
checkpoints when models/training/runs/cpu-xs3 holds them, else random (timing does not depend on weights).
'eager' is the model as trained (BatchNorm separate); 'fusedBatchNorm' folds BN into the convs, as the
ONNX export does. Median of repeated runs.
"""
import argparse
import json
import os
import statistics
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "models", "training"))
# The run whose members are shipped (models/training/runs is not in git: random weights without it).
DEFAULT_WEIGHTS = os.path.join(ROOT, "models", "training", "runs", "cpu-xs3")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from torch.nn.utils.fusion import fuse_conv_bn_eval  # noqa: E402

from common import build_model, count_macs, load_member, member_paths  # noqa: E402


def fuse_bn(model):
    """Folds every Conv2d followed by BatchNorm2d into one Conv2d (eval mode)."""
    for mod in model.modules():
        names = list(mod._modules.keys())
        for a, b in zip(names, names[1:]):
            ca, cb = mod._modules[a], mod._modules[b]
            if isinstance(ca, nn.Conv2d) and isinstance(cb, nn.BatchNorm2d):
                mod._modules[a] = fuse_conv_bn_eval(ca, cb)
                mod._modules[b] = nn.Identity()
    return model


def load_members(n, folder):
    paths = member_paths(folder) if os.path.isdir(folder) else []
    if len(paths) >= n:
        return [load_member(p)[0] for p in paths[:n]], "trained"
    torch.manual_seed(0)
    return [build_model().eval() for _ in range(n)], "random"


def bench(models, batch, seconds, temperature=0.7):
    x = torch.randn(batch, 3, 96, 96)

    def once():
        with torch.no_grad():
            p = sum(torch.softmax(m(x) / temperature, dim=1) for m in models) / len(models)
        return p

    for _ in range(2):
        once()
    times = []
    start = time.perf_counter()
    while len(times) < 5 or time.perf_counter() - start < seconds:
        t = time.perf_counter()
        once()
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    return {"batch": batch, "cellsPerSecond": round(batch / med, 2), "medianMs": round(med * 1000, 3), "runs": len(times)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--members", type=int, default=5)
    ap.add_argument("--batches", default="1,16,64")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--weights", default=DEFAULT_WEIGHTS)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    models, source = load_members(a.members, a.weights)
    batches = [int(b) for b in a.batches.split(",")]
    eager = [bench(models, b, a.seconds) for b in batches]
    fused_models = [fuse_bn(m) for m in models]
    fused = [bench(fused_models, b, a.seconds) for b in batches]
    print(json.dumps({
        "tool": "classify_torch", "torch": torch.__version__, "threads": a.threads, "members": a.members,
        "weights": source, "parameters": sum(p.numel() for p in build_model().parameters()),
        "macsPerCrop": count_macs(build_model()), "eager": eager, "fusedBatchNorm": fused,
    }))


if __name__ == "__main__":
    main()
