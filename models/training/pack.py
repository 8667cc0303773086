"""Packs the PBC cell images into one compact file that travels with the repo to a training machine.

The shared folder (84 MB of JPEG) exceeds the 64 MiB a device call can carry, so each 144x145 image is
cropped to its top 144x144 rows (the centre 96x96 crop is unchanged) and re-encoded as lossy WebP q90
(mean absolute error about 1.7 grey levels; about 45 MB for the training split). Validation metrics shipped in the
model card are recomputed from the original JPEGs by evaluate.py; validation images are packed as their
original JPEG bytes (about 13 MB) so the training run's own validation matches.

  /usr/bin/python3 models/training/pack.py --data ../shared/data/cells/pbc --out .carry/pbc
"""
import argparse
import io
import json
import os
import sys
from multiprocessing import Pool

from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import read_labels, split_val  # noqa: E402

SIDE = 144


def encode(path, keep_original=False):
    if keep_original:
        with open(path, "rb") as f:
            return f.read()
    im = Image.open(path).convert("RGB")
    w, h = im.size
    left, top = (w - SIDE) // 2, (h - SIDE) // 2
    buf = io.BytesIO()
    im.crop((left, top, left + SIDE, top + SIDE)).save(buf, "WEBP", quality=90, method=4)
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="every Nth image only (for quick tests)")
    a = ap.parse_args()
    rows = read_labels(a.data)
    is_val = split_val(rows)
    keep = range(0, len(rows), a.limit) if a.limit else range(len(rows))
    rows = [dict(rows[i], val=bool(is_val[i])) for i in keep]
    os.makedirs(a.out, exist_ok=True)
    with Pool(a.workers) as pool:
        blobs = pool.starmap(encode, [(os.path.join(a.data, r["file"]), r["val"]) for r in rows], chunksize=64)
    off = 0
    with open(os.path.join(a.out, "images.bin"), "wb") as f:
        for r, b in zip(rows, blobs):
            r["offset"], r["length"] = off, len(b)
            f.write(b)
            off += len(b)
    with open(os.path.join(a.out, "index.json"), "w") as f:
        json.dump({"side": SIDE, "format": "webp (training), original jpeg (validation)", "rows": rows}, f)
    print(f"packed {len(rows)} images, {off / 1e6:.1f} MB, {sum(r['val'] for r in rows)} validation")


if __name__ == "__main__":
    main()
