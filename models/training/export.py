"""Exports the trained members to ONNX and writes models/manifest.json (schema: models/manifest.schema.json).

Run here on CPU with Debian torch 1.13 after evaluate.py:
  /usr/bin/python3 models/training/export.py --members models/training/runs/cpu-xs3 \
      --metrics models/training/metrics.json --data ../shared/data/cells/pbc --models models
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (CLASSES, INPUT_SIZE, MICRONS_PER_PIXEL, SPLIT_SEED, VAL_FRACTION, count_macs,  # noqa: E402
                    load_member, member_paths, read_labels, split_val)

# The shipped members (MarrowNet-XS): one run on the 2 CPU cores of the development machine, about an hour.
REPRODUCE_CPU = ("/usr/bin/python3 models/training/pack.py --data ../shared/data/cells/pbc --out .carry/pbc && "
                 "/usr/bin/python3 models/training/train.py --pack .carry/pbc --out models/training/runs/cpu-xs3 "
                 "--device cpu --arch marrownet-xs --cycles 5 --first-cycle-epochs 30 --epochs-per-cycle 5 --restart-lr 0.05 "
                 "--batch 128 --lr 0.1 --workers 2 --threads 2")
# The earlier, larger MarrowNet-S members (not shipped any more): a lent H200, 5 x 73 epochs.
REPRODUCE_GPU = ("/usr/bin/python3 models/training/pack.py --data ../shared/data/cells/pbc --out .carry/pbc && "
                 "python3 models/training/train.py --pack .carry/pbc --out models/training/runs/h200 --device cuda "
                 "--arch marrownet-s --epochs-per-cycle 73")
ARCH_NAMES = {"marrownet-s": "MarrowNet-S", "marrownet-xs": "MarrowNet-XS"}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def background_rgb(data_dir, rows, n=400):
    """Median of the 8x8 corner patches of training images: the pad colour the network has seen."""
    px = []
    for r in rows[:: max(1, len(rows) // n)]:
        a = np.asarray(Image.open(os.path.join(data_dir, r["file"])).convert("RGB"))
        for y0, x0 in ((0, 0), (0, -8), (-8, 0), (-8, -8)):
            px.append(a[y0:y0 + 8 or None, x0:x0 + 8 or None].reshape(-1, 3))
    return [int(v) for v in np.median(np.concatenate(px), axis=0)]


def cycles_text(train):
    """'16 + 4 x 9' for a longer first cycle, else '5 x 9'."""
    first, rest, n = train.get("firstCycleEpochs", train["epochsPerCycle"]), train["epochsPerCycle"], train["cycles"]
    return f"{n} x {rest}" if first == rest else f"{first} + {n - 1} x {rest}"


def export_member(model, path):
    dummy = torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE)
    torch.onnx.export(model, dummy, path, opset_version=17, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", required=True)
    ap.add_argument("--metrics", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--models", required=True)
    a = ap.parse_args()
    with open(a.metrics) as f:
        metrics = json.load(f)
    with open(os.path.join(a.members, "train-metrics.json")) as f:
        train = json.load(f)
    rows = read_labels(a.data)
    is_val = split_val(rows)
    train_rows = [r for r, v in zip(rows, is_val) if not v and r["label"] >= 0]
    members = []
    params = macs = 0
    meta0 = None
    for k, path in enumerate(member_paths(a.members)):
        model, meta = load_member(path)
        meta0 = meta0 or meta
        params = sum(p.numel() for p in model.parameters())
        macs = count_macs(model)
        name = f"member-{meta['cycle']}.onnx"
        out = os.path.join(a.models, name)
        export_member(model, out)
        mv = metrics["members"][k]
        assert mv["cycle"] == meta["cycle"]
        members.append({"file": name, "sha256": sha256(out), "cycle": meta["cycle"],
                        "validation": {key: round(mv[key], 4) for key in ("accuracy", "macroF1", "coarseAccuracy",
                                                                          "nll", "ece")}})
        print(f"exported {out} ({os.path.getsize(out) / 1e6:.1f} MB)")
    n_val_fine = metrics["nValidationFine"]
    convs3 = sum(1 for m in model.modules() if isinstance(m, torch.nn.Conv2d) and m.kernel_size == (3, 3))
    arch = meta0.get("arch", "marrownet-s")
    args = meta0["args"]
    manifest = {
        "schemaVersion": 1,
        "name": "marrowscope-pbc-snapshot",
        "version": "1.0.0",
        "architecture": f"{ARCH_NAMES[arch]} (residual CNN: {convs3} 3x3 convs, {params / 1e6:.2f} M parameters, "
                        f"{macs / 1e6:.0f} M multiply-adds per 96x96 crop)",
        "members": members,
        "input": {"name": "input", "size": INPUT_SIZE, "micronsPerPixel": MICRONS_PER_PIXEL, "channelOrder": "RGB",
                  "layout": "NCHW", "scale": 255, "mean": meta0["mean"], "std": meta0["std"],
                  "padValue": background_rgb(a.data, train_rows)},
        "output": {"name": "logits", "kind": "logits"},
        "classes": [{"code": c[0], "name": c[1], "countsInDifferential": c[4], "sourceLabels": c[2]} for c in CLASSES],
        "aggregation": "mean-of-calibrated-probabilities",
        "calibration": {"method": "temperature", "temperature": round(metrics["temperature"], 4),
                        "fittedOn": f"PBC validation split ({n_val_fine} images, seed {SPLIT_SEED}), ensemble NLL"},
        "training": {
            "dataset": "PBC: normal peripheral blood cells, CellaVision DM96, May-Grunwald-Giemsa (Acevedo et al. 2020), "
                       "resized x0.4 to 0.25 um/px",
            "licence": "CC BY 4.0",
            "attribution": "Acevedo A, Merino A, Alferez S, Molina A, Boldu L, Rodellar J. A dataset of microscopic "
                           "peripheral blood cell images for development of automatic recognition systems. Data in "
                           "Brief 30:105474 (2020). Mendeley Data doi:10.17632/snkd93bnjr.1",
            "split": {"seed": SPLIT_SEED, "validationFraction": VAL_FRACTION, "stratifiedBy": "fine_code",
                      "train": len(train_rows), "validation": n_val_fine,
                      "excluded": "IG and NEUTROPHIL (no fine class; coarse checks only)",
                      "list": "models/training/val-split.csv"},
            "recipe": f"SGD nesterov, {train['cycles']} cosine cycles ({cycles_text(train)} epochs), one member per "
                      f"cycle end, batch {args['batch']}, lr {args['lr']}, wd {args['wd']}, label smoothing {args['smoothing']}, "
                      f"class-balanced sampling, batch augmentation on the training device (rot90/flip, +-15 deg, scale "
                      f"0.87-1.15, shift 6 px, resolution jitter, blur, colour gain/gamma/saturation, noise, JPEG-like DCT "
                      f"quantisation)",
            "command": REPRODUCE_CPU + "  (log of the shipped run: models/training/shipped/train-log.txt)",
            "trainedAt": meta0.get("trainedAt") or "2026-11-27",
            "hardware": f"{'CPU, ' + str(train.get('threads', '?')) + ' threads (2-core Debian 12 VM)' if train['device'] == 'cpu' else train['device']}, "
                        f"torch {train['torch']}, {train['trainSeconds']:.0f} s of training",
        },
    }
    with open(os.path.join(a.models, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "val-split.csv"), "w") as f:
        f.write("file,fine_code,class\n")
        for r, v in zip(rows, is_val):
            if v:
                f.write(f"{r['file']},{r['fine']},{CLASSES[r['label']][0] if r['label'] >= 0 else ''}\n")
    print("wrote manifest", os.path.join(a.models, "manifest.json"))


if __name__ == "__main__":
    main()
