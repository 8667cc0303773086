"""Shared definitions for the Marrowscope cell-classifier recipe: classes, split, network, metrics.

Runs under Debian's torch 1.13 (CPU, here) and torch 2.11 (CUDA, on the training machine): keep it to
APIs both have.
"""
import csv
import math
import os

import numpy as np

# Output classes in logit order: (DeepHeme code, name, PBC fine codes mapped to it, coarse PBC class,
# counts in the differential).
CLASSES = [
    ("B2", "Basophil", ["BA"], "basophil", True),
    ("E4", "Eosinophil", ["EO"], "eosinophil", True),
    ("ER", "Erythroblast (stage not resolved)", ["ERB"], "erythroblast", True),
    ("M2", "Promyelocyte", ["PMY"], "ig", True),
    ("M3", "Myelocyte", ["MY"], "ig", True),
    ("M4", "Metamyelocyte", ["MMY"], "ig", True),
    ("M5", "Band neutrophil", ["BNE"], "neutrophil", True),
    ("M6", "Segmented neutrophil", ["SNE"], "neutrophil", True),
    ("L2", "Lymphocyte", ["LY"], "lymphocyte", True),
    ("MO2", "Monocyte", ["MO"], "monocyte", True),
    ("PL3", "Platelet", ["PLATELET"], "platelet", False),
]
CODES = [c[0] for c in CLASSES]
FINE_TO_INDEX = {f: i for i, c in enumerate(CLASSES) for f in c[2]}
COARSE_NAMES = ["basophil", "eosinophil", "erythroblast", "ig", "lymphocyte", "monocyte", "neutrophil", "platelet"]
CLASS_TO_COARSE = np.array([COARSE_NAMES.index(c[3]) for c in CLASSES])
# Fine codes with no fine class: kept out of fine training, used only for coarse checks.
UNSPECIFIED = {"IG": "ig", "NEUTROPHIL": "neutrophil"}

INPUT_SIZE = 96
MICRONS_PER_PIXEL = 0.25
SPLIT_SEED = 20260527
VAL_FRACTION = 0.15


def read_labels(data_dir):
    """Rows of labels.csv sorted by file, each {file, coarse, fine, label (-1 if unspecified)}."""
    rows = []
    with open(os.path.join(data_dir, "labels.csv"), newline="") as f:
        for r in csv.DictReader(f):
            rows.append({"file": r["file"], "coarse": r["coarse_class"], "fine": r["fine_code"],
                         "label": FINE_TO_INDEX.get(r["fine_code"], -1)})
    rows.sort(key=lambda r: r["file"])
    return rows


def split_val(rows, seed=SPLIT_SEED, frac=VAL_FRACTION):
    """Stratified (by fine code) validation flags; RandomState keeps it identical across numpy versions."""
    rng = np.random.RandomState(seed)
    is_val = np.zeros(len(rows), dtype=bool)
    for code in sorted({r["fine"] for r in rows}):
        idx = np.array([i for i, r in enumerate(rows) if r["fine"] == code])
        perm = rng.permutation(len(idx))
        n_val = int(round(frac * len(idx)))
        is_val[idx[perm[:n_val]]] = True
    return is_val


def centre_box(w, h, size=INPUT_SIZE):
    """(left, top) of the centre crop: floor((W - size) / 2), floor((H - size) / 2)."""
    return (w - size) // 2, (h - size) // 2


# ---------------------------------------------------------------- network (needs torch)
# Named architectures: (stem width, residual stages (width, blocks)). MarrowNet-XS is the shipped one: it
# trains in about an hour on two CPU cores (≈ 57 s per epoch on a quiet 2-core VM) and onnxruntime runs
# it 2.4–2.7× faster than PyTorch at batch 16–64; MarrowNet-S (3.4× the MACs) needed a GPU to train in
# an hour and reached only 1.7–1.9× (test/bench/RESULTS.md, "Architecture choice").
ARCHS = {
    "marrownet-s": (32, ((48, 1), (96, 1), (192, 2))),
    "marrownet-xs": (16, ((32, 1), (64, 1), (128, 1))),
}
DEFAULT_ARCH = "marrownet-xs"


def build_model(num_classes=len(CLASSES), arch=DEFAULT_ARCH, stem=None, stages=None):
    """MarrowNet: 96×96 RGB → logits. Stem at 48 px, residual stages at 24, 12 and 6 px, GAP, linear."""
    if stem is None or stages is None:
        stem, stages = ARCHS[arch]
    import torch.nn as nn

    class Block(nn.Module):
        """Basic residual block (conv-BN-ReLU-conv-BN + shortcut, ReLU)."""

        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.act = nn.ReLU(inplace=True)
            self.short = None
            if stride != 1 or cin != cout:
                self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            y = self.act(self.b1(self.c1(x)))
            y = self.b2(self.c2(y))
            return self.act(y + (x if self.short is None else self.short(x)))

    class MarrowNetS(nn.Module):
        def __init__(self):
            super().__init__()
            # Stride-2 stem keeps full-resolution work small; granules (2-4 px at 0.25 um/px) still
            # reach the 3x3 convs at 48 px before the first residual stage downsamples.
            self.stem = nn.Sequential(
                nn.Conv2d(3, stem * 3 // 4, 3, 2, 1, bias=False), nn.BatchNorm2d(stem * 3 // 4), nn.ReLU(inplace=True),
                nn.Conv2d(stem * 3 // 4, stem, 3, 1, 1, bias=False), nn.BatchNorm2d(stem), nn.ReLU(inplace=True))
            layers = []
            cin = stem
            for w, n in stages:
                for j in range(n):
                    layers.append(Block(cin, w, 2 if j == 0 else 1))
                    cin = w
            self.stages = nn.Sequential(*layers)
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.drop = nn.Dropout(0.1)
            self.fc = nn.Linear(cin, num_classes)

        def forward(self, x):
            x = self.pool(self.stages(self.stem(x))).flatten(1)
            return self.fc(self.drop(x))

    return MarrowNetS()


def count_macs(model, size=INPUT_SIZE):
    """Multiply-accumulates of conv and linear layers for one image."""
    import torch
    import torch.nn as nn
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            total[0] += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total[0] += m.in_features * m.out_features
    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    for h in hs:
        h.remove()
    return total[0]


# ---------------------------------------------------------------- metrics (numpy only)
def softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def ensemble_probs(member_logits, temperature=1.0):
    """Mean over members of softmax(logits / T); member_logits is [members, n, classes]."""
    return softmax(np.asarray(member_logits, dtype=np.float64) / temperature).mean(axis=0)


def nll(probs, y):
    return float(-np.log(np.clip(probs[np.arange(len(y)), y], 1e-12, None)).mean())


def ece(probs, y, bins=15):
    """Expected calibration error of the top-label confidence, equal-width bins."""
    conf = probs.max(1)
    correct = (probs.argmax(1) == y).astype(np.float64)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            total += m.mean() * abs(correct[m].mean() - conf[m].mean())
    return float(total)


def per_class_prf(pred, y, k):
    out = []
    for c in range(k):
        tp = int(((pred == c) & (y == c)).sum())
        fp = int(((pred == c) & (y != c)).sum())
        fn = int(((pred != c) & (y == c)).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out.append({"precision": p, "recall": r, "f1": f, "support": int((y == c).sum())})
    return out


def summarise(probs, y):
    """Accuracy, macro F1, coarse accuracy, NLL, ECE, per-class P/R/F1 for fine labels y."""
    pred = probs.argmax(1)
    pcs = per_class_prf(pred, y, probs.shape[1])
    return {
        "accuracy": float((pred == y).mean()),
        "macroF1": float(np.mean([p["f1"] for p in pcs])),
        "coarseAccuracy": float((CLASS_TO_COARSE[pred] == CLASS_TO_COARSE[y]).mean()),
        "nll": nll(probs, y),
        "ece": ece(probs, y),
        "perClass": {CODES[i]: pcs[i] for i in range(len(pcs))},
    }


def fit_temperature(member_logits, y, lo=0.3, hi=5.0):
    """One temperature for all members minimising validation NLL of the mean calibrated probability.
    Golden-section search on log T (NLL is unimodal in T here in practice)."""
    f = lambda lt: nll(ensemble_probs(member_logits, math.exp(lt)), y)
    a, b = math.log(lo), math.log(hi)
    g = (math.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(60):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = f(d)
    return math.exp((a + b) / 2)


def load_member(path):
    """(model in eval mode, meta dict) from a member-<k>.npz written by train.py."""
    import json as _json
    import torch
    z = np.load(path)
    meta = _json.loads(bytes(z["__meta__"]).decode())
    model = build_model(arch=meta.get("arch", "marrownet-s"))  # members before "arch" was recorded are S
    state = {k: torch.from_numpy(np.array(z[k])) for k in z.files if k != "__meta__"}
    model.load_state_dict(state)
    return model.eval(), meta


def member_paths(folder):
    """member-1.npz, member-2.npz, ... in cycle order."""
    names = sorted((f for f in os.listdir(folder) if f.startswith("member-") and f.endswith(".npz")),
                   key=lambda f: int(f[len("member-"):-len(".npz")]))
    return [os.path.join(folder, f) for f in names]


def to_input(rgb_u8, mean, std):
    """HWC (or NHWC) uint8 RGB → float32 NCHW: (x/255 − mean)/std, each step in float32."""
    x = np.asarray(rgb_u8, dtype=np.float32)
    if x.ndim == 3:
        x = x[None]
    x = x / np.float32(255)
    x = (x - np.asarray(mean, dtype=np.float32)) / np.asarray(std, dtype=np.float32)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))
