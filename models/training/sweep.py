#!/usr/bin/env python3
"""Run several snapshot-ensemble recipes x seeds side by side (a lent GPU runs many tiny models at once) and
tabulate, per run, each member against the ensemble on the validation split.

Why: whether a recipe's ensemble beats its best member is a property of the recipe, not of one run; a table
over seeds says which recipe to spend the hour of CPU training on. The shipped members still come from a CPU
run of the chosen recipe (MODEL_CARD.md); this script only chooses.

    python3 models/training/sweep.py --pack .carry/pbc --out /tmp/sweep --parallel 8 --seeds 1 2 3 \
        --recipe 'shipped=--first-cycle-epochs 30 --epochs-per-cycle 5 --restart-lr 0.05' \
        --recipe 'equal10=--epochs-per-cycle 10'

Every recipe shares --base (cycles, batch, lr); a recipe's own flags follow it and win. Writes
summary.md / summary.json after each finished run, so a run cut short by a deadline still reports.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_table(results):
    """One row per run: each member's accuracy, the best member and the ensemble."""
    lines = ["| recipe | seed | members acc | best member acc / F1 | ensemble acc / F1 (T) | beats acc | beats F1 | train s |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['recipe']} | {r['seed']} | failed: {r['error']} | | | | | |")
            continue
        accs = " ".join(f"{m['accuracy']:.3f}" for m in r["members"])
        lines.append(f"| {r['recipe']} | {r['seed']} | {accs} | {r['bestAcc']:.4f} / {r['bestF1']:.4f} | "
                     f"{r['ensAcc']:.4f} / {r['ensF1']:.4f} | {r['ensAcc'] - r['bestAcc']:+.4f} | "
                     f"{r['ensF1'] - r['bestF1']:+.4f} | {r['trainSeconds']:.0f} |")
    return "\n".join(lines) + "\n"


def recipe_table(results):
    """One row per recipe: medians over its seeds and how many runs beat their best member on both measures."""
    by = {}
    for r in results:
        if "error" not in r:
            by.setdefault(r["recipe"], []).append(r)
    lines = ["| recipe | train.py flags | runs | median ensemble acc | median ensemble F1 | median acc margin | median F1 margin | runs beating both |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, rs in by.items():
        med = lambda f: statistics.median(f(r) for r in rs)  # noqa: E731
        both = sum(1 for r in rs if r["ensAcc"] > r["bestAcc"] and r["ensF1"] > r["bestF1"])
        lines.append(f"| {name} | `{rs[0].get('flags', '')}` | {len(rs)} | {med(lambda r: r['ensAcc']):.4f} | {med(lambda r: r['ensF1']):.4f} | "
                     f"{med(lambda r: r['ensAcc'] - r['bestAcc']):+.4f} | {med(lambda r: r['ensF1'] - r['bestF1']):+.4f} | "
                     f"{both}/{len(rs)} |")
    return "\n".join(lines) + "\n"


def table(results):
    return run_table(results) + "\n" + recipe_table(results)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--recipe", action="append", required=True, help="name=train.py flags")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--parallel", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2, help="decoding processes per run")
    ap.add_argument("--base", default="--cycles 5 --batch 128 --lr 0.1")
    ap.add_argument("--deadline-s", type=float, default=0, help="launch nothing new after this many seconds")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    recipes = [r.split("=", 1) for r in a.recipe]
    # Seed-major order: a sweep cut short still has every recipe at its first seeds.
    jobs = [(name, flags, seed) for seed in a.seeds for name, flags in recipes]
    t0 = time.time()
    running, results = [], []

    def finish(job, proc):
        name, flags, seed = job
        rdir = os.path.join(a.out, f"{name}-s{seed}")
        try:
            with open(os.path.join(rdir, "train-metrics.json")) as f:
                m = json.load(f)
            best_acc = max(x["accuracy"] for x in m["members"])
            best_f1 = max(x["macroF1"] for x in m["members"])
            results.append({"recipe": name, "flags": flags, "seed": seed, "members": m["members"], "bestAcc": best_acc, "bestF1": best_f1,
                            "ensAcc": m["ensembleCalibrated"]["accuracy"], "ensF1": m["ensembleCalibrated"]["macroF1"],
                            "ensNll": m["ensembleCalibrated"]["nll"], "temperature": m["temperature"],
                            "trainSeconds": m["trainSeconds"]})
        except (OSError, KeyError, ValueError) as e:
            results.append({"recipe": name, "seed": seed, "error": f"exit {proc.returncode}: {e}"})
        results.sort(key=lambda r: (r["recipe"], r["seed"]))
        with open(os.path.join(a.out, "summary.json"), "w") as f:
            json.dump(results, f, indent=1)
        with open(os.path.join(a.out, "summary.md"), "w") as f:
            f.write(table(results))
        print(f"[{time.time() - t0:6.1f}s] done {name} seed {seed}", flush=True)

    while jobs or running:
        while jobs and len(running) < a.parallel and not (a.deadline_s and time.time() - t0 > a.deadline_s):
            name, flags, seed = job = jobs.pop(0)
            rdir = os.path.join(a.out, f"{name}-s{seed}")
            cmd = [sys.executable, os.path.join(HERE, "train.py"), "--pack", a.pack, "--out", rdir,
                   "--workers", str(a.workers), "--threads", "1", "--seed", str(seed),
                   *shlex.split(a.base), *shlex.split(flags)]
            os.makedirs(rdir, exist_ok=True)
            log = open(os.path.join(rdir, "stdout.txt"), "w")
            running.append((job, subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)))
            print(f"[{time.time() - t0:6.1f}s] start {name} seed {seed}: {' '.join(cmd[2:])}", flush=True)
        if a.deadline_s and time.time() - t0 > a.deadline_s:
            jobs.clear()
        time.sleep(1)
        for item in list(running):
            if item[1].poll() is not None:
                running.remove(item)
                finish(*item)
    print(table(results))


if __name__ == "__main__":
    main()
