"""Validation metrics of the trained members and the ensemble, from the ORIGINAL shared JPEGs.

Fits the ensemble's calibration temperature on the validation split and writes metrics.json, which
export.py puts into the manifest and MODEL_CARD.md quotes. CPU, Debian torch 1.13, ~5 min on 2 cores:
  nice /usr/bin/python3 models/training/evaluate.py --members models/training/runs/cpu-xs3 \
      --data ../shared/data/cells/pbc --out models/training/metrics.json --resample-check
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (CLASS_TO_COARSE, COARSE_NAMES, INPUT_SIZE, UNSPECIFIED, centre_box, ensemble_probs,  # noqa: E402
                    fit_temperature, load_member, member_paths, read_labels, split_val, summarise, to_input,
                    ece, nll)


def crop(im):
    left, top = centre_box(*im.size)
    return np.asarray(im.crop((left, top, left + INPUT_SIZE, top + INPUT_SIZE)), dtype=np.uint8)


def resampled(im):
    """Simulates the engine's path on a 0.10 um/px original: up to 360x363 (bicubic), then x0.4 Lanczos."""
    big = im.resize((360, 363), Image.BICUBIC)
    return big.resize((144, 145), Image.LANCZOS)


def logits_of(models, crops, mean, std):
    out = []
    with torch.no_grad():
        for m in models:
            z = [m(torch.from_numpy(to_input(crops[i:i + 128], mean, std))).numpy() for i in range(0, len(crops), 128)]
            out.append(np.concatenate(z))
    return np.stack(out).astype(np.float64)


def coarse_acc(probs, coarse_true):
    return float((CLASS_TO_COARSE[probs.argmax(1)] == coarse_true).mean())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--resample-check", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.time()
    rows = read_labels(a.data)
    is_val = split_val(rows)
    val = [r for r, v in zip(rows, is_val) if v]
    ims = [Image.open(os.path.join(a.data, r["file"])).convert("RGB") for r in val]
    crops = np.stack([crop(im) for im in ims])
    loaded = [load_member(p) for p in member_paths(a.members)]
    models = [m for m, _ in loaded]
    metas = [meta for _, meta in loaded]
    mean, std = metas[0]["mean"], metas[0]["std"]
    lg = logits_of(models, crops, mean, std)
    fine = np.array([r["label"] for r in val])
    coarse_true = np.array([COARSE_NAMES.index(r["coarse"]) for r in val])
    f = fine >= 0
    y = fine[f]
    lf = lg[:, f]
    temp = fit_temperature(lf, y)
    members = []
    for k in range(len(models)):
        s1 = summarise(ensemble_probs(lf[k:k + 1]), y)
        pc = ensemble_probs(lf[k:k + 1], temp)
        members.append({"cycle": metas[k]["cycle"], "accuracy": s1["accuracy"], "macroF1": s1["macroF1"],
                        "coarseAccuracy": s1["coarseAccuracy"], "nll": s1["nll"], "ece": s1["ece"],
                        "nllAtT": nll(pc, y), "eceAtT": ece(pc, y),
                        "coarseAccuracyWithUnspecified": coarse_acc(ensemble_probs(lg[k:k + 1]), coarse_true)})
    ens1 = summarise(ensemble_probs(lf), y)
    ensc = summarise(ensemble_probs(lf, temp), y)
    pall = ensemble_probs(lg, temp)
    unspec = np.array([r["fine"] in UNSPECIFIED for r in val])
    coarse_per = {}
    for ci, name in enumerate(COARSE_NAMES):
        m = coarse_true == ci
        coarse_per[name] = {"recall": float((CLASS_TO_COARSE[pall[m].argmax(1)] == ci).mean()), "support": int(m.sum())}
    best = max(members, key=lambda m: m["accuracy"])
    # Ensembles of the last k snapshots (Huang et al. report these too): early cycles of a short run can
    # lag far behind the later ones and pull a mean of all snapshots below its best member.
    last_k = []
    for k in range(1, len(models) + 1):
        tk = fit_temperature(lf[-k:], y)
        sk = summarise(ensemble_probs(lf[-k:], tk), y)
        last_k.append({"members": k, "cycles": [m["cycle"] for m in metas[-k:]], "temperature": tk,
                       **{key: sk[key] for key in ("accuracy", "macroF1", "coarseAccuracy", "nll", "ece")}})
    res = {
        "evaluatedOn": "validation split (seed %d, 15%% stratified by fine code) of ../shared/data/cells/pbc, "
                       "original JPEGs, centre 96x96 crop" % 20260527,
        "nValidationFine": int(f.sum()), "nValidationUnspecified": int(unspec.sum()),
        "temperature": temp, "members": members,
        "ensembleT1": ens1, "ensembleCalibrated": ensc,
        "coarseAccuracyWithUnspecified": coarse_acc(pall, coarse_true),
        "unspecifiedCoarseAccuracy": coarse_acc(pall[unspec], coarse_true[unspec]) if unspec.any() else None,
        "coarsePerClass": coarse_per,
        "bestMember": {"cycle": best["cycle"], "accuracy": best["accuracy"], "macroF1": best["macroF1"]},
        "lastSnapshots": last_k,
        "normalisation": {"mean": mean, "std": std},
        "torch": torch.__version__,
    }
    if a.resample_check:
        crops_r = np.stack([crop(resampled(im)) for im in ims])
        lr = logits_of(models, crops_r, mean, std)[:, f]
        res["resampleCheck"] = {"what": "val images upsampled to 360x363 (bicubic) then x0.4 Lanczos, like the "
                                        "engine's path from 0.10 um/px originals",
                                "ensembleCalibrated": {k: v for k, v in summarise(ensemble_probs(lr, temp), y).items()
                                                       if k != "perClass"}}
    res["seconds"] = round(time.time() - t0, 1)
    with open(a.out, "w") as fo:
        json.dump(res, fo, indent=1)
    np.savez_compressed(os.path.join(a.members, "val-logits.npz"), logits=lg.astype(np.float32), fine=fine,
                        coarse=coarse_true, files=np.array([r["file"] for r in val]))
    print(json.dumps({k: res[k] for k in ("temperature", "bestMember", "coarseAccuracyWithUnspecified")}))
    print("members", [(m["accuracy"], m["macroF1"]) for m in members])
    for e in last_k:
        print("last", e["members"], {kk: round(v, 4) for kk, v in e.items() if isinstance(v, float)})
    for k in ("ensembleT1", "ensembleCalibrated"):
        print(k, {kk: round(v, 4) for kk, v in res[k].items() if kk != "perClass"})
    if "resampleCheck" in res:
        print("resample", res["resampleCheck"]["ensembleCalibrated"])
    print("seconds", res["seconds"])


if __name__ == "__main__":
    main()
