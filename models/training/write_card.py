"""Renders models/MODEL_CARD.md from manifest.json, metrics.json, the run's train-metrics.json and the
CPU timings measured here (cpu-timings.json), so every number in the card comes from a file.

  /usr/bin/python3 models/training/write_card.py --models models --run models/training/runs/cpu-xs3
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ARCHS, CLASSES, COARSE_NAMES, DEFAULT_ARCH  # noqa: E402
from export import REPRODUCE_CPU, REPRODUCE_GPU, cycles_text  # noqa: E402
from sweep import recipe_table  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def pct(v):
    return f"{100 * v:.1f} %"


def f3(v):
    return f"{v:.3f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", required=True)
    ap.add_argument("--run", required=True)
    a = ap.parse_args()
    man = json.load(open(os.path.join(a.models, "manifest.json")))
    met = json.load(open(os.path.join(HERE, "metrics.json")))
    tr = json.load(open(os.path.join(a.run, "train-metrics.json")))
    cpu = json.load(open(os.path.join(HERE, "cpu-timings.json")))
    ens, ens1 = met["ensembleCalibrated"], met["ensembleT1"]
    best = max(met["members"], key=lambda m: m["accuracy"])
    T = met["temperature"]
    L = []
    w = L.append
    w(f"# Model card: {man['name']} {man['version']}\n")
    w("Cell classifier of Marrowscope: an ensemble of five snapshots of one compact residual CNN "
      f"({man['architecture']}), trained from scratch on the PBC peripheral-blood dataset. Each member maps a "
      "96×96 RGB crop at 0.25 µm/px centred on one white cell (or platelet) to logits over 11 classes; the "
      f"engine divides each member's logits by the temperature T = {T:.4f}, applies softmax and averages the "
      "members' probabilities (`mean-of-calibrated-probabilities`). Files: `models/member-1.onnx` … "
      "`member-5.onnx`, `models/manifest.json` (sha256 of each member, preprocessing, classes, calibration).\n")
    w("## Intended use\n")
    w("Research and software development of the Marrowscope workstation: a first-pass white-cell differential "
      "to be reviewed by a person. **Not for clinical diagnosis** and not validated on bone-marrow aspirates, "
      "other stains, scanners or laboratories. Every call must be checked by a qualified reader.\n")
    w("## Data and licence\n")
    w("PBC dataset: Acevedo A, Merino A, Alférez S, Molina Á, Boldú L, Rodellar J. *A dataset of microscopic "
      "peripheral blood cell images for development of automatic recognition systems*. Data in Brief 30:105474 "
      "(2020). Mendeley Data, doi:10.17632/snkd93bnjr.1. Licence **CC BY 4.0**: the weights are derived from it "
      "and must carry this attribution. Normal peripheral blood, May-Grünwald-Giemsa, CellaVision DM96 "
      "(Hospital Clinic of Barcelona). Images were used as shared in `../shared/data/cells/pbc`: about 80 % of "
      "the dataset, resized ×0.4 (Lanczos) from 360×363 at ≈0.10 µm/px to 144×145 at ≈0.25 µm/px, JPEG q92 "
      "(the other 20 % is held back by the project as an unseen test set and was not used).\n")
    sp = man["training"]["split"]
    w(f"Split: stratified by fine code, {int(100 * sp['validationFraction'])} % validation, numpy "
      f"`RandomState({sp['seed']})` over files sorted by name (`models/training/common.py: split_val`): "
      f"{sp['train']} training and {sp['validation']} validation images with a fine class; the list is "
      "`models/training/val-split.csv`. The 119 IG and 32 NEUTROPHIL images (immature granulocyte / neutrophil "
      f"with no stage) have no fine class and were **left out of training**; the {met['nValidationUnspecified']} "
      "of them that fall in the validation split are used for the coarse check only. PBC has no patient or "
      "slide identifiers, so the split is by image: cells of one smear can sit on both sides, and validation "
      "figures are likely optimistic for new smears.\n")
    w("## Classes (output order)\n")
    w("| # | code | name | PBC label | counts in differential | validation images |")
    w("|---|---|---|---|---|---|")
    for i, c in enumerate(CLASSES):
        w(f"| {i} | {c[0]} | {c[1]} | {', '.join(c[2])} | {'yes' if c[4] else 'no'} | "
          f"{ens['perClass'][c[0]]['support']} |")
    w("")
    w("Codes follow the DeepHeme 23-class taxonomy; `ER` is an erythroblast of unspecified stage (PBC does not "
      "stage erythroblasts). Coarse PBC classes map back as M2/M3/M4 → ig and M5/M6 → neutrophil.\n")
    w("**Cannot predict** (absent from PBC, so such cells are forced into one of the 11 classes, often with "
      "high confidence): blasts (myeloblasts, lymphoblasts, monoblasts), plasma cells, pronormoblasts and "
      "staged erythroblasts (basophilic / polychromatic / orthochromatic), mast cells, megakaryocytes, "
      "histiocytes, abnormal or atypical lymphocytes, smudge cells, artifacts, debris, red cells alone. It "
      "was trained on peripheral blood, not marrow: marrow precursors and crowded marrow fields are out of "
      "distribution.\n")
    w("## Model\n")
    stem, stages = ARCHS[DEFAULT_ARCH]
    macs = cpu["bench"]["macsPerCrop"]
    stage_text = ", ".join(f"{48 // 2 ** (i + 1)}×{48 // 2 ** (i + 1)} ({c} channels, {n} block{'s' if n > 1 else ''})" for i, (c, n) in enumerate(stages))
    w(f"{man['architecture']}. Stem: 3×3 stride-2 conv (3→{stem * 3 // 4}) and 3×3 conv ({stem * 3 // 4}→{stem}) at "
      f"48×48; residual stages of basic blocks at {stage_text}; global average pool, dropout 0.1, linear "
      f"{stages[-1][0]}→11. BatchNorm + ReLU; ONNX opset 17 with a dynamic batch axis (BatchNorm folded into "
      "the convs by the exporter), input `input` float32 [batch, 3, 96, 96], output `logits` [batch, 11]. "
      "DeepHeme's ResNeXt-50 needs about 780 M multiply-adds per 96×96 crop "
      f"(≈ {780e6 / macs:.0f}× this net) and would make a five-member ensemble far too slow on a plain workstation.\n")
    w("**Why this size** (numbers in `test/bench/RESULTS.md`, \"Classifier architecture\"): the recipe must train in "
      "about an hour on two CPU cores and the engine must run it well on a CPU. The earlier MarrowNet-S "
      "(99 M multiply-adds, 1.36 M parameters) needed about 14 h for its 365-epoch schedule here and was trained "
      "on a lent GPU, and onnxruntime ran it only 1.7–1.9× faster than PyTorch at batch 16–64 (its large 3×3 "
      "convolutions are compute-bound in both). MarrowNet-XS has 3.4× fewer multiply-adds: a training step of "
      "128 crops takes ≈ 0.64 s on 2 idle cores (augmentation included), so 5 cycles fit in an hour, and "
      "onnxruntime's fused, layout-optimised kernels run it 2.4–2.7× faster than PyTorch eager at batch 16–64. "
      "The price is accuracy: see the comparison below.\n")
    eager = {r["batch"]: r for r in cpu["bench"]["eager"]}
    fused = {r["batch"]: r for r in cpu["bench"]["fusedBatchNorm"]}
    w(f"PyTorch CPU throughput of the whole 5-member ensemble here ({cpu['machine']}, torch "
      f"{cpu['bench']['torch']}, {cpu['bench']['threads']} threads, `test/bench/classify_torch.py`, median; "
      f"measured {cpu['date']}, load average about {cpu['loadAverage']}):\n")
    w("| batch | eager cells/s | BN folded cells/s |")
    w("|---|---|---|")
    for b in sorted(eager):
        w(f"| {b} | {eager[b]['cellsPerSecond']:.2f} | {fused[b]['cellsPerSecond']:.2f} |")
    w("")
    w("onnxruntime throughput is measured by the engine's benchmark (`test/bench/classify.ts`, results in "
      "`test/bench/RESULTS.md`).\n")
    w("## Training\n")
    w(f"{man['training']['recipe']}. Members are the weights at the end of each cycle (no selection on "
      "validation). Inputs are normalised with the training split's centre-crop mean "
      f"{man['input']['mean']} and std {man['input']['std']} (after x/255). Augmented crops are sampled from "
      "the 144×144 image around its centre; validation uses the plain centre 96×96 crop, as the engine does.\n")
    w(f"One calibration temperature T = {T:.4f} was fitted on the validation split for the ensemble (minimum "
      "NLL of the mean of softmax(logits/T) over members; golden-section search on log T) and applies to every "
      "member: the members are snapshots of one run with similar confidence, and one T keeps the engine simple. "
      "T < 1 sharpens: label smoothing and heavy augmentation leave the raw members under-confident on clean "
      "crops.\n")
    w(f"Hardware: {man['training']['hardware'].split(', torch')[0]}, torch {tr['torch']}. Time: {tr['trainSeconds'] / 60:.0f} min of training "
      f"({cycles_text(tr)} epochs of {sp['train']} class-balanced draws, batch {tr.get('batch', 128)}), "
      f"{tr['totalSeconds'] / 60:.0f} min in all with decoding and validation; trained {man['training']['trainedAt']} "
      "(log: `models/training/shipped/train-log.txt`). The first cycle is long because it starts from random "
      "weights; the later ones restart from its optimum at a lower peak learning rate "
      f"({tr.get('restartLr', tr.get('lr', 0.1))}, fast-geometric-ensembling style), so that every snapshot is "
      "about as good as the first instead of each still improving on the one before. Earlier CPU runs "
      "(training time includes other jobs sharing the two cores): five equal 7-epoch cycles (54 min on one core: torch's default thread count on this VM, since "
      "fixed by `--threads`) gave members of 0.860–0.918 accuracy; 16 + 4 × 9 epochs with full restarts "
      "(47 min; shipped before this run, log `models/training/shipped/cpu-xs2-train-log.txt`) gave members of "
      "0.900–0.918 and an ensemble of 0.916 accuracy / 0.889 macro F1, behind its last member.\n")
    w("## Validation metrics\n")
    w(f"All on the validation split, recomputed on CPU (torch {met['torch']}) from the original shared JPEGs "
      "by `models/training/evaluate.py` (centre 96×96 crop, no test-time augmentation).\n")
    w("| target | required | ensemble (calibrated) | met |")
    w("|---|---|---|---|")
    rows = [("coarse accuracy, 8 PBC classes (fine classes only)", "≥ 0.96", ens["coarseAccuracy"], ens["coarseAccuracy"] >= 0.96),
            ("coarse accuracy incl. unspecified IG / NEUTROPHIL", "≥ 0.96", met["coarseAccuracyWithUnspecified"], met["coarseAccuracyWithUnspecified"] >= 0.96),
            ("fine macro F1 (11 classes)", "≥ 0.85", ens["macroF1"], ens["macroF1"] >= 0.85),
            ("ECE (15 bins) after temperature", "≤ 0.03", ens["ece"], ens["ece"] <= 0.03)]
    for name, req, v, ok in rows:
        w(f"| {name} | {req} | {f3(v)} | {'yes' if ok else 'NO'} |")
    beats = ens["accuracy"] > best["accuracy"] and ens["macroF1"] > max(m["macroF1"] for m in met["members"])
    w(f"| ensemble beats best single member | accuracy and macro F1 | see below | {'yes' if beats else 'NO'} |")
    w("")
    w("Members against the ensemble (temperature leaves argmax unchanged, so accuracy and F1 at T=1 hold for "
      "each member; NLL/ECE at T are with the shared temperature):\n")
    w("| model | accuracy | macro F1 | coarse accuracy | NLL (T=1) | ECE (T=1) | NLL (T) | ECE (T) |")
    w("|---|---|---|---|---|---|---|---|")
    for m in met["members"]:
        w(f"| member {m['cycle']} | {f3(m['accuracy'])} | {f3(m['macroF1'])} | {f3(m['coarseAccuracy'])} | "
          f"{f3(m['nll'])} | {f3(m['ece'])} | {f3(m['nllAtT'])} | {f3(m['eceAtT'])} |")
    w(f"| **ensemble** | **{f3(ens['accuracy'])}** | **{f3(ens['macroF1'])}** | **{f3(ens['coarseAccuracy'])}** | "
      f"{f3(ens1['nll'])} | {f3(ens1['ece'])} | {f3(ens['nll'])} | {f3(ens['ece'])} |")
    w("")
    n_val = sp["validation"]
    diff = round((ens["accuracy"] - best["accuracy"]) * n_val)
    w(f"Best single member: cycle {best['cycle']} (accuracy {best['accuracy']:.4f}, macro F1 "
      f"{best['macroF1']:.4f}); ensemble accuracy {ens['accuracy']:.4f} (at T = 1: {ens1['accuracy']:.4f}), macro F1 "
      f"{ens['macroF1']:.4f}: {'ahead by' if diff > 0 else 'behind by'} {abs(diff)} of {n_val} images, within the "
      "noise of this split. ")
    if diff <= 0:
        w("**The five-snapshot ensemble does not beat its best member on accuracy or macro F1.** The members "
          "of a run this short differ by about as much as this split's noise (a few tenths of a point, ten "
          "images either way), and the best member is picked after the fact on the same split that scores it. ")
        best_ece = min(m['eceAtT'] for m in met['members'])
        best_nll = min(m['nllAtT'] for m in met['members'])
        w(f"On probability quality the ensemble {'beats' if ens['nll'] < best_nll else 'does not beat'} every member "
          f"on NLL ({ens['nll']:.3f} against {best_nll:.3f} for the best member at the same T) and "
          f"{'beats' if ens['ece'] < best_ece else 'does not beat'} them on ECE ({f3(ens['ece'])} against "
          f"{f3(best_ece)}). Ensembles of the last k snapshots, each with its own temperature (`evaluate.py`):\n")
    else:
        w(f"The ensemble's clearer gain is in probability quality: NLL {ens['nll']:.3f} against "
          f"{min(m['nllAtT'] for m in met['members']):.3f} for the best member at the same T.\n")
    if met.get("lastSnapshots"):
        w("| last k snapshots | cycles | T | accuracy | macro F1 | coarse accuracy | ECE |")
        w("|---|---|---|---|---|---|---|")
        for e in met["lastSnapshots"]:
            w(f"| {e['members']} | {', '.join(str(c) for c in e['cycles'])} | {e['temperature']:.3f} | {f3(e['accuracy'])} | "
              f"{f3(e['macroF1'])} | {f3(e['coarseAccuracy'])} | {f3(e['ece'])} |")
        w("")
        w("All five are shipped (one per cycle, as the recipe and DeepHeme do) rather than the subset that happens "
          "to score best on this split: choosing members on the validation split would make every figure here "
          "optimistic.\n")
    sweep_file = os.path.join(HERE, "shipped", "sweep-h200-summary.json")
    if os.path.exists(sweep_file):
        sw = json.load(open(sweep_file))
        both = sum(1 for r in sw if r["ensAcc"] > r["bestAcc"] and r["ensF1"] > r["bestF1"])
        w(f"Is this the recipe or the run? `sweep.py` trained {len({r['recipe'] for r in sw})} recipes of the same "
          f"net side by side on a lent H200 (bf16, 9 runs at a time; {len(sw)} runs over seeds 1 and 2; every recipe "
          "but `eq30` within the hour-on-two-cores budget of about 50 epochs; shared flags `--cycles 5 --batch 128 "
          f"--lr 0.1`). The ensemble beat its best member on both accuracy and macro F1 in {both} of {len(sw)} runs; "
          "the median margin is negative for every recipe, including three times the epochs (`eq30`), without "
          "label smoothing, and at a higher peak learning rate. Snapshots that restart from one optimum are too "
          "alike to gain from averaging, and cycles long enough to make them differ leave the early members "
          "weaker than the last. Runs and logs: `models/training/shipped/sweep-h200-*`.\n")
        w(recipe_table(sw))
    w(f"ECE of the ensemble: {f3(ens1['ece'])} at T = 1, {f3(ens['ece'])} at T = {T:.3f}.\n")
    sm = json.load(open(os.path.join(HERE, "shipped", "marrownet-s-h200-metrics.json")))
    sbest = max(sm["members"], key=lambda m: m["accuracy"])
    se = sm["ensembleCalibrated"]
    w(f"For comparison, the earlier MarrowNet-S ensemble (5 × 73 epochs on a lent H200 GPU, 222 s; no longer "
      f"shipped) reached on the same validation split accuracy {se['accuracy']:.4f}, macro F1 {se['macroF1']:.4f}, "
      f"coarse accuracy {se['coarseAccuracy']:.4f}, ECE {se['ece']:.3f} (best member: accuracy "
      f"{sbest['accuracy']:.4f}). MarrowNet-XS trades "
      f"{100 * (se['accuracy'] - ens['accuracy']):.1f} points of accuracy and "
      f"{100 * (se['macroF1'] - ens['macroF1']):.1f} points of macro F1 for a recipe that trains on the "
      "workstation itself in an hour and a 3.4× cheaper ensemble. Choosing among runs on the validation split "
      "makes the figures slightly optimistic.\n")
    w("Per class (ensemble, calibrated):\n")
    w("| class | precision | recall | F1 | support |")
    w("|---|---|---|---|---|")
    for c in CLASSES:
        p = ens["perClass"][c[0]]
        w(f"| {c[0]} {c[1]} | {f3(p['precision'])} | {f3(p['recall'])} | {f3(p['f1'])} | {p['support']} |")
    w("")
    w("Coarse recall per PBC class (ensemble, all validation images including unspecified IG/NEUTROPHIL):\n")
    w("| coarse class | recall | support |")
    w("|---|---|---|")
    for n in COARSE_NAMES:
        p = met["coarsePerClass"][n]
        w(f"| {n} | {f3(p['recall'])} | {p['support']} |")
    w("")
    if met.get("unspecifiedCoarseAccuracy") is not None:
        w(f"The {met['nValidationUnspecified']} unspecified IG / NEUTROPHIL validation images land in the right "
          f"coarse class {pct(met['unspecifiedCoarseAccuracy'])} of the time.\n")
    if "resampleCheck" in met:
        rc = met["resampleCheck"]["ensembleCalibrated"]
        w(f"Resampling check: {met['resampleCheck']['what']}: accuracy {f3(rc['accuracy'])}, macro F1 "
          f"{f3(rc['macroF1'])}, coarse accuracy {f3(rc['coarseAccuracy'])}, ECE {f3(rc['ece'])}. (The true "
          "0.10 µm/px originals are not available here; the project's held-out test runs the engine on them.)\n")
    w("## Reproduce\n")
    w("The shipped members come from one run on the two CPU cores of the development machine (Debian torch 1.13, "
      "`/usr/bin/python3`), about an hour, best in the background with a log:\n")
    w("```sh\n" + REPRODUCE_CPU.replace(" && ", "\n") + " > train-cpu.log 2>&1 &\n```\n")
    w("Then, on CPU:\n")
    w("```sh\n"
      "nice /usr/bin/python3 models/training/evaluate.py --members models/training/runs/cpu-xs3 --data ../shared/data/cells/pbc --out models/training/metrics.json --resample-check\n"
      "/usr/bin/python3 models/training/export.py --members models/training/runs/cpu-xs3 --metrics models/training/metrics.json --data ../shared/data/cells/pbc --models models\n"
      "/usr/bin/python3 models/training/make_golden.py --members models/training/runs/cpu-xs3 --data ../shared/data/cells/pbc --manifest models/manifest.json --out test/fixtures/golden\n"
      "/usr/bin/python3 models/training/verify_onnx.py --members models/training/runs/cpu-xs3 --models models\n"
      "/usr/bin/python3 test/bench/classify_torch.py --weights models/training/runs/cpu-xs3 > /tmp/torch.json  # then cpu-timings.json\n"
      "/usr/bin/python3 models/training/write_card.py --models models --run models/training/runs/cpu-xs3\n"
      "```\n")
    w("CPU training with the same seed and thread count repeats closely but not bit for bit (thread scheduling "
      "in reductions); expect validation figures within about ±1 %. The pack (`pack.py`) re-encodes the training "
      "images as WebP q90 (it was made small enough to travel to a lent GPU machine); validation images keep their "
      "original JPEG bytes, and the figures above are recomputed from the original JPEGs. The earlier MarrowNet-S "
      "members can be retrained on a GPU with:\n")
    w("```sh\n" + REPRODUCE_GPU.replace(" && ", "\n") + "\n```\n")
    w("## Limitations\n")
    w("- One source: one laboratory, one stain, one scanner (CellaVision DM96), normal peripheral blood. "
      "Other stains, scanners, smear thickness and marrow aspirates will shift accuracy, and calibration fitted "
      "on PBC does not transfer.")
    w("- Fine granulocyte stages are the weakest: promyelocyte / myelocyte / metamyelocyte and band / "
      "segmented neutrophil are partly subjective even for experts.")
    w("- The crop is centred on the cell by the detector: off-centre crops (more than ~6 px, 1.5 µm) or "
      "crops of two touching cells were seen rarely in training.")
    w("- Scale: trained at 0.25 µm/px with ±15 % scale jitter; the engine must resample other scans to "
      "0.25 µm/px.")
    w("- Classes absent from PBC (above) are silently assigned to the nearest trained class; the ensemble's "
      "disagreement and low confidence are the only warning.")
    w("- Validation is by image, not by patient (no identifiers), and the temperature was fitted on the same "
      "validation split that reports ECE (one parameter, 2,015 images).")
    with open(os.path.join(a.models, "MODEL_CARD.md"), "w") as f:
        f.write("\n".join(L) + "\n")
    print("wrote", os.path.join(a.models, "MODEL_CARD.md"))


if __name__ == "__main__":
    main()
