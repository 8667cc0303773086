"""Checks each exported member: ONNX graph valid, input 'input' / output 'logits' with a dynamic batch,
manifest sha256 matches, and onnxruntime's logits equal PyTorch's within 1e-4 (golden crops + random
inputs, batch 1 and a larger batch).

Uses python onnxruntime where installed, else the repo's onnxruntime-node through node (Debian has no
python onnxruntime):
  /usr/bin/python3 models/training/verify_onnx.py --members models/training/runs/cpu-xs3 --models models
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import load_member, member_paths, to_input  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
NODE_RUNNER = r"""
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
const require = createRequire(process.argv[2] + '/package.json');
const ort = require('onnxruntime-node');
const job = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const buf = readFileSync(job.input);
const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
const out = [];
for (const model of job.models) {
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  for (const n of job.batches) {
    const t = new ort.Tensor('float32', data.subarray(0, n * 3 * job.size * job.size), [n, 3, job.size, job.size]);
    const r = await s.run({ input: t });
    out.push(Array.from(r.logits.data));
  }
}
writeFileSync(job.output, JSON.stringify(out));
"""


def run_ort(models, x, batches):
    """Logits per (model, batch size) as flat float lists."""
    try:
        import onnxruntime as ort
        res = []
        for m in models:
            s = ort.InferenceSession(m, providers=["CPUExecutionProvider"])
            for n in batches:
                res.append(s.run(["logits"], {"input": x[:n]})[0].ravel().tolist())
        return res, "onnxruntime (python) " + ort.__version__
    except ImportError:
        pass
    with tempfile.TemporaryDirectory() as d:
        x.astype(np.float32).tofile(os.path.join(d, "in.bin"))
        job = {"input": os.path.join(d, "in.bin"), "output": os.path.join(d, "out.json"), "models": models,
               "batches": batches, "size": x.shape[-1]}
        with open(os.path.join(d, "job.json"), "w") as f:
            json.dump(job, f)
        with open(os.path.join(d, "run.mjs"), "w") as f:
            f.write(NODE_RUNNER)
        subprocess.run(["node", os.path.join(d, "run.mjs"), ROOT, os.path.join(d, "job.json")], check=True)
        with open(job["output"]) as f:
            ver = subprocess.run(["node", "-p", "require('onnxruntime-node/package.json').version"], cwd=ROOT,
                                 capture_output=True, text=True).stdout.strip()
            return json.load(f), "onnxruntime-node " + ver


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--golden", default=os.path.join(ROOT, "test", "fixtures", "golden"))
    ap.add_argument("--tol", type=float, default=1e-4)
    a = ap.parse_args()
    with open(os.path.join(a.models, "manifest.json")) as f:
        manifest = json.load(f)
    mean, std = manifest["input"]["mean"], manifest["input"]["std"]
    pngs = sorted(p for p in os.listdir(a.golden) if p.endswith(".png")) if os.path.isdir(a.golden) else []
    x = to_input(np.stack([np.asarray(Image.open(os.path.join(a.golden, p)).convert("RGB")) for p in pngs]),
                 mean, std) if pngs else np.zeros((0, 3, 96, 96), np.float32)
    rng = np.random.RandomState(0)
    x = np.concatenate([x, rng.randn(16 - len(x), 3, 96, 96).astype(np.float32)]).astype(np.float32)
    batches = [1, len(x)]
    files = []
    for m in manifest["members"]:
        path = os.path.join(a.models, m["file"])
        g = onnx.load(path)
        onnx.checker.check_model(g)
        assert [i.name for i in g.graph.input] == ["input"], [i.name for i in g.graph.input]
        assert [o.name for o in g.graph.output] == ["logits"]
        assert g.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
        with open(path, "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == m["sha256"], f"sha256 mismatch for {m['file']}"
        files.append(path)
    ort_out, backend = run_ort(files, x, batches)
    worst = 0.0
    for k, p in enumerate(member_paths(a.members)):
        model, _ = load_member(p)
        with torch.no_grad():
            ref = model(torch.from_numpy(x)).numpy()
        for j, n in enumerate(batches):
            got = np.asarray(ort_out[k * len(batches) + j], dtype=np.float32).reshape(n, -1)
            diff = float(np.abs(got - ref[:n]).max())
            worst = max(worst, diff)
            print(f"{manifest['members'][k]['file']} batch {n}: max |ORT - torch| = {diff:.2e}")
    print(f"backend {backend}; worst {worst:.2e} (tolerance {a.tol:g})")
    if worst > a.tol:
        sys.exit(1)


if __name__ == "__main__":
    main()
