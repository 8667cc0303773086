"""Writes golden fixtures for the inference engine's tests: 8 centre 96x96 validation crops (PNG) and
expected.json with every member's logits and probabilities and the ensemble's calibrated mean, computed
by PyTorch (float32) from the exact PNG pixels.

  /usr/bin/python3 models/training/make_golden.py --members models/training/runs/cpu-xs3 \
      --data ../shared/data/cells/pbc --manifest models/manifest.json --out test/fixtures/golden
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (CODES, INPUT_SIZE, centre_box, load_member, member_paths, read_labels, softmax,  # noqa: E402
                    split_val, to_input)

PICK = ["B2", "E4", "ER", "M3", "M6", "L2", "MO2", "PL3"]
PREPROCESSING = ("PNG decoded as RGB uint8 (H=W=96, already the centre crop: left = floor((W-96)/2), "
                 "top = floor((H-96)/2) of the 144x145 PBC image at 0.25 um/px); x = float32(v) / 255; "
                 "x = (x - mean[c]) / std[c] in float32 with mean/std from the manifest; layout NCHW, batch 1. "
                 "probs = softmax(logits) in float64; probsCalibrated = softmax(logits / T); "
                 "ensembleProbsCalibrated = mean over members of probsCalibrated.")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.manifest) as f:
        manifest = json.load(f)
    temp = manifest["calibration"]["temperature"]
    mean, std = manifest["input"]["mean"], manifest["input"]["std"]
    rows = read_labels(a.data)
    val = [r for r, v in zip(rows, split_val(rows)) if v and r["label"] >= 0]
    models = [load_member(p)[0] for p in member_paths(a.members)]
    files = [m["file"] for m in manifest["members"]]
    os.makedirs(a.out, exist_ok=True)
    crops = []
    for code in PICK:
        r = next(r for r in val if CODES[r["label"]] == code)
        im = Image.open(os.path.join(a.data, r["file"])).convert("RGB")
        left, top = centre_box(*im.size)
        name = f"{code}-{os.path.splitext(os.path.basename(r['file']))[0]}.png"
        im.crop((left, top, left + INPUT_SIZE, top + INPUT_SIZE)).save(os.path.join(a.out, name))
        rgb = np.asarray(Image.open(os.path.join(a.out, name)).convert("RGB"))  # exactly what the test reads
        x = torch.from_numpy(to_input(rgb, mean, std))
        entry = {"file": name, "source": r["file"], "label": code, "members": []}
        probs_cal = []
        with torch.no_grad():
            for fname, m in zip(files, models):
                z = m(x).numpy()[0].astype(np.float64)
                pc = softmax(z / temp)
                probs_cal.append(pc)
                entry["members"].append({"file": fname, "logits": z.tolist(), "probs": softmax(z).tolist(),
                                         "probsCalibrated": pc.tolist()})
        ens = np.mean(probs_cal, axis=0)
        entry["ensembleProbsCalibrated"] = ens.tolist()
        entry["ensembleTop"] = CODES[int(ens.argmax())]
        crops.append(entry)
        print(name, "->", entry["ensembleTop"], f"{ens.max():.3f}")
    out = {"preprocessing": PREPROCESSING, "classes": CODES, "temperature": temp, "mean": mean, "std": std,
           "members": files, "tolerance": {"logits": 1e-4, "probs": 1e-5}, "crops": crops}
    with open(os.path.join(a.out, "expected.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
