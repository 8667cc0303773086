"""Trains the Marrowscope cell-classifier snapshot ensemble: one run, N cosine learning-rate cycles,
one member kept at the end of each cycle (Huang et al. 2017, "Snapshot Ensembles").

CPU, the shipped MarrowNet-XS members (about an hour on 2 cores; see models/MODEL_CARD.md):
  /usr/bin/python3 models/training/train.py --pack .carry/pbc --out models/training/runs/cpu-xs3 --device cpu \
      --arch marrownet-xs --cycles 5 --first-cycle-epochs 30 --epochs-per-cycle 5 --restart-lr 0.05 --batch 128 --lr 0.1 \
      --workers 2 --threads 2
GPU, the earlier MarrowNet-S:
  python3 models/training/train.py --pack .carry/pbc --out $OUT --device cuda --arch marrownet-s --epochs-per-cycle 73

Writes member-<k>.npz (float32 state_dict arrays + a JSON meta entry), train.log and train-metrics.json.
The data pack comes from pack.py. Works with torch 1.13 and 2.x.
"""
import argparse
import io
import json
import math
import os
import sys
import time
from multiprocessing import Pool

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from augment import OUT, augment  # noqa: E402
from common import ARCHS, CODES, DEFAULT_ARCH, build_model, ensemble_probs, fit_temperature, summarise  # noqa: E402


def decode(blob, side):
    """Centre side x side of an image (the 144x145 validation JPEGs lose their bottom row)."""
    im = Image.open(io.BytesIO(blob)).convert("RGB")
    left, top = (im.size[0] - side) // 2, (im.size[1] - side) // 2
    return np.asarray(im.crop((left, top, left + side, top + side)), dtype=np.uint8)


def load_pack(pack, workers):
    with open(os.path.join(pack, "index.json")) as f:
        index = json.load(f)
    with open(os.path.join(pack, "images.bin"), "rb") as f:
        data = f.read()
    rows = [r for r in index["rows"] if r["label"] >= 0]
    blobs = [data[r["offset"]:r["offset"] + r["length"]] for r in rows]
    with Pool(workers) as pool:
        imgs = pool.starmap(decode, [(b, index["side"]) for b in blobs], chunksize=128)
    x = np.stack(imgs).transpose(0, 3, 1, 2).copy()  # N,3,S,S uint8
    y = np.array([r["label"] for r in rows], dtype=np.int64)
    val = np.array([r["val"] for r in rows], dtype=bool)
    return x, y, val, rows


def centre(x):
    s = x.shape[-1]
    o = (s - OUT) // 2
    return x[..., o:o + OUT, o:o + OUT]


def state_to_npz(model, path, meta):
    arrays = {k: v.detach().cpu().float().numpy() if v.is_floating_point() else v.detach().cpu().numpy()
              for k, v in model.state_dict().items()}
    arrays["__meta__"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(path, **arrays)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--arch", default=DEFAULT_ARCH, choices=sorted(ARCHS))
    ap.add_argument("--cycles", type=int, default=5)
    ap.add_argument("--epochs-per-cycle", type=int, default=40)
    ap.add_argument("--first-cycle-epochs", type=int, default=0,
                    help="if > 0, the first cycle's length: it starts from random weights, the others restart from a "
                         "trained one, so a short run gives its first member more epochs")
    ap.add_argument("--restart-lr", type=float, default=0,
                    help="if > 0, the peak learning rate of every cycle after the first: a lower restart keeps the "
                         "snapshots near the first cycle's optimum (fast geometric ensembling) so a short run's "
                         "members are of equal quality instead of each still improving on the last")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=0.2)
    ap.add_argument("--wd", type=float, default=5e-4)
    ap.add_argument("--smoothing", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=min(16, os.cpu_count() or 1))
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                    help="torch intra-op threads on CPU (default: every core; torch's own default is 1 on some VMs)")
    ap.add_argument("--budget-min", type=float, default=0,
                    help="if > 0, shorten cycles (after timing epoch 2) so training fits this many minutes")
    ap.add_argument("--max-steps", type=int, default=0, help="stop each epoch after this many steps (smoke tests)")
    a = ap.parse_args()
    t0 = time.time()
    os.makedirs(a.out, exist_ok=True)
    logf = open(os.path.join(a.out, "train.log"), "a")

    def log(*msg):
        line = f"[{time.time() - t0:7.1f}s] " + " ".join(str(m) for m in msg)
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    # Decode before touching CUDA: the worker processes are forked.
    x, y, val, rows = load_pack(a.pack, a.workers)
    dev = torch.device("cuda" if a.device == "auto" and torch.cuda.is_available() else
                       ("cpu" if a.device == "auto" else a.device))
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    cuda = dev.type == "cuda"
    if cuda:
        torch.backends.cudnn.benchmark = True
    log("torch", torch.__version__, "device", dev, torch.cuda.get_device_name(0) if cuda else "", vars(a))
    tr = ~val
    log(f"decoded {len(y)} images ({tr.sum()} train, {val.sum()} val) shape {x.shape}")
    # Normalisation constants from the training split's centre crops, rounded so the manifest is exact.
    c = centre(x[tr]).astype(np.float64) / 255
    mean = [round(float(v), 4) for v in c.mean(axis=(0, 2, 3))]
    std = [round(float(v), 4) for v in c.std(axis=(0, 2, 3))]
    del c
    log("mean", mean, "std", std)

    xt = torch.from_numpy(x[tr]).to(dev)
    yt = torch.from_numpy(y[tr]).to(dev)
    xv = torch.from_numpy(np.ascontiguousarray(centre(x[val]))).to(dev)
    yv = y[val]
    del x
    mean_t = torch.tensor(mean, device=dev).view(1, 3, 1, 1)
    std_t = torch.tensor(std, device=dev).view(1, 3, 1, 1)
    counts = torch.bincount(yt, minlength=len(CODES)).float()
    weights = (1.0 / counts)[yt]  # class-balanced sampling: every class equally likely per draw
    n_train = len(yt)
    steps = n_train // a.batch
    if a.max_steps:
        steps = min(steps, a.max_steps)

    model = build_model(arch=a.arch).to(dev)
    if cuda:
        model = model.to(memory_format=torch.channels_last)
    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": a.wd}, {"params": no_decay, "weight_decay": 0}],
                          lr=a.lr, momentum=0.9, nesterov=True)
    crit = nn.CrossEntropyLoss(label_smoothing=a.smoothing)
    gen = torch.Generator(device=dev)
    gen.manual_seed(a.seed)

    def predict(xu8):
        model.eval()
        out = []
        with torch.no_grad():
            for i in range(0, len(xu8), 1024):
                xb = (xu8[i:i + 1024].float() / 255 - mean_t) / std_t
                if cuda:
                    xb = xb.contiguous(memory_format=torch.channels_last)
                out.append(model(xb).float().cpu())
        model.train()
        return torch.cat(out).numpy()

    epc = a.epochs_per_cycle
    cycle_len = lambda c: a.first_cycle_epochs if c == 1 and a.first_cycle_epochs > 0 else epc  # noqa: E731
    done_epochs = 0
    warm = steps  # one epoch of linear warm-up at the start of the first cycle
    members, member_logits, history = [], [], []
    cycle, epoch_in_cycle, global_step = 1, 0, 0
    t_train = time.time()
    while cycle <= a.cycles:
        model.train()
        idx = torch.multinomial(weights, steps * a.batch, replacement=True, generator=gen)
        tot, correct, seen = 0.0, 0, 0
        for s in range(steps):
            t = (epoch_in_cycle * steps + s) / (cycle_len(cycle) * steps)
            peak = a.restart_lr if cycle > 1 and a.restart_lr > 0 else a.lr
            lr = peak * 0.5 * (1 + math.cos(math.pi * t))
            if global_step < warm:
                lr *= (global_step + 1) / warm
            for g in opt.param_groups:
                g["lr"] = lr
            bi = idx[s * a.batch:(s + 1) * a.batch]
            xb = (augment(xt[bi], gen) - mean_t) / std_t
            yb = yt[bi]
            if cuda:
                xb = xb.contiguous(memory_format=torch.channels_last)
                with torch.autocast(device_type="cuda", dtype=torch.bfloat16):
                    logits = model(xb)
            else:
                logits = model(xb)
            loss = crit(logits.float(), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            global_step += 1
            tot += float(loss.detach()) * len(yb) if s % 10 == 0 else 0.0
            if s % 10 == 0:
                correct += int((logits.argmax(1) == yb).sum())
                seen += len(yb)
        epoch_in_cycle += 1
        elapsed = time.time() - t_train
        done_epochs += 1
        msg = f"cycle {cycle} epoch {epoch_in_cycle}/{cycle_len(cycle)} lr {lr:.4f} loss {tot / max(seen, 1):.4f} " \
              f"train-acc {correct / max(seen, 1):.4f} {elapsed / done_epochs:.2f}s/epoch"
        if a.budget_min > 0 and cycle == 1 and epoch_in_cycle == 3:
            # Epoch 3 alone: epoch 1 includes cuDNN autotuning and would overestimate.
            per_epoch = elapsed - t_epoch2
            fit = int((a.budget_min * 60 - elapsed) / (per_epoch * 1.15) + 3) // a.cycles
            if fit < epc:
                log(f"budget: {per_epoch:.2f}s/epoch, shortening cycles from {epc} to {fit} epochs")
                epc = max(fit, 3)
        if epoch_in_cycle % 5 == 0 or epoch_in_cycle == cycle_len(cycle):
            pv = predict(xv)
            msg += f" val-acc {float((pv.argmax(1) == yv).mean()):.4f}"
        log(msg)
        if cycle == 1 and epoch_in_cycle == 2:
            t_epoch2 = elapsed
        history.append({"cycle": cycle, "epoch": epoch_in_cycle, "loss": tot / max(seen, 1), "lr": lr})
        if epoch_in_cycle == cycle_len(cycle):
            logits_v = predict(xv)
            member_logits.append(logits_v)
            m = summarise(ensemble_probs(logits_v[None]), yv)
            e = summarise(ensemble_probs(np.stack(member_logits)), yv)
            log(f"member {cycle}: val acc {m['accuracy']:.4f} macroF1 {m['macroF1']:.4f} coarse "
                f"{m['coarseAccuracy']:.4f} | ensemble of {cycle}: acc {e['accuracy']:.4f} "
                f"macroF1 {e['macroF1']:.4f} coarse {e['coarseAccuracy']:.4f}")
            meta = {"arch": a.arch, "cycle": cycle, "epochs": cycle_len(cycle), "mean": mean, "std": std, "classes": CODES,
                    "args": vars(a), "torch": torch.__version__, "elapsedS": round(time.time() - t0, 1),
                    "device": torch.cuda.get_device_name(0) if cuda else "cpu"}
            state_to_npz(model, os.path.join(a.out, f"member-{cycle}.npz"), meta)
            members.append({"cycle": cycle, "epochs": cycle_len(cycle), **{k: m[k] for k in ("accuracy", "macroF1",
                                                                                   "coarseAccuracy", "nll")}})
            cycle += 1
            epoch_in_cycle = 0
    train_s = time.time() - t_train
    ml = np.stack(member_logits)
    temp = fit_temperature(ml, yv)
    res = {"arch": a.arch, "threads": torch.get_num_threads(), "batch": a.batch, "trainSeconds": round(train_s, 1), "totalSeconds": round(time.time() - t0, 1),
           "epochsPerCycle": epc, "firstCycleEpochs": cycle_len(1), "restartLr": a.restart_lr or a.lr, "cycles": a.cycles, "temperature": temp, "members": members,
           "ensembleT1": summarise(ensemble_probs(ml), yv), "ensembleCalibrated": summarise(ensemble_probs(ml, temp), yv),
           "mean": mean, "std": std, "history": history,
           "device": torch.cuda.get_device_name(0) if cuda else "cpu", "torch": torch.__version__}
    with open(os.path.join(a.out, "train-metrics.json"), "w") as f:
        json.dump(res, f, indent=1)
    log(f"done: T={temp:.3f} ensemble acc {res['ensembleCalibrated']['accuracy']:.4f} macroF1 "
        f"{res['ensembleCalibrated']['macroF1']:.4f} ECE {res['ensembleT1']['ece']:.4f} -> "
        f"{res['ensembleCalibrated']['ece']:.4f}; train {train_s:.0f}s")


if __name__ == "__main__":
    main()
