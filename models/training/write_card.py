"""Renders models/MODEL_CARD.md from manifest.json, metrics.json, the run's train-metrics.json and the
CPU timings measured here (cpu-timings.json), so every number in the card comes from a file.

  /usr/bin/python3 models/training/write_card.py --models models --run models/training/runs/h200
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CLASSES, COARSE_NAMES  # noqa: E402
from export import REPRODUCE_CPU, REPRODUCE_GPU  # noqa: E402

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
    w(f"{man['architecture']}. Stem: 3×3 stride-2 conv (3→24) and 3×3 conv (24→32) at 48×48; residual stages "
      "of basic blocks at 24×24 (48 channels, 1 block), 12×12 (96, 1 block), 6×6 (192, 2 blocks); global "
      "average pool, dropout 0.1, linear 192→11. BatchNorm + ReLU; ONNX opset 17 with a dynamic batch axis "
      "(BatchNorm folded into the convs by the exporter), input `input` float32 [batch, 3, 96, 96], output "
      "`logits` [batch, 11]. DeepHeme's ResNeXt-50 (≈145 images/s on 2 cores at 96×96 through onnxruntime) "
      "would make a five-member ensemble far too slow here: it needs about 0.78 G multiply-adds per 96×96 crop, "
      "this net about 8× fewer.\n")
    eager = {r["batch"]: r for r in cpu["bench"]["eager"]}
    fused = {r["batch"]: r for r in cpu["bench"]["fusedBatchNorm"]}
    w(f"PyTorch CPU throughput of the whole 5-member ensemble here ({cpu['machine']}, torch "
      f"{cpu['bench']['torch']}, {cpu['bench']['threads']} threads, `test/bench/classify_torch.py`, median; "
      f"measured {cpu['date']} with a load average of about {cpu['loadAverage']} from other jobs on the "
      "same 2 cores, so these are pessimistic; rerun the script on an idle machine for real figures):\n")
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
    w(f"Hardware and time: {tr['device']} (torch {tr['torch']}): {tr['trainSeconds']:.0f} s of training "
      f"({tr['cycles']} × {tr['epochsPerCycle']} epochs of {sp['train']} class-balanced draws), "
      f"{tr['totalSeconds']:.0f} s in all with decoding; trained {man['training']['trainedAt']}. "
      f"CPU ({cpu['machine']}): one training step of 256 crops takes {cpu['trainStepSeconds']:.1f} s "
      f"(augmentation included) at a load average of about {cpu['loadAverage']}, so the same "
      f"{tr['cycles'] * tr['epochsPerCycle']} epochs would take about "
      f"{cpu['trainStepSeconds'] * (sp['train'] // 256) * tr['cycles'] * tr['epochsPerCycle'] / 3600:.0f} h there; "
      "on an idle 2-core machine (about 83 images/s for a CNN of this size, docs/ENVIRONMENT.md, i.e. about "
      f"3 s per step) about "
      f"{3.1 * (sp['train'] // 256) * tr['cycles'] * tr['epochsPerCycle'] / 3600:.0f} h. Use the GPU.\n")
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
    w(f"Best single member: cycle {best['cycle']} (accuracy {best['accuracy']:.4f}, macro F1 "
      f"{best['macroF1']:.4f}); ensemble accuracy {ens['accuracy']:.4f} (at T = 1: {ens1['accuracy']:.4f}; "
      f"a shared temperature can move the argmax of a mean of probabilities), macro F1 {ens['macroF1']:.4f}. "
      f"The margin is small: {round((ens['accuracy'] - best['accuracy']) * n_val)} of {n_val} images, within "
      "the noise of this split. The ensemble's clearer gain is in probability quality: NLL "
      f"{ens['nll']:.3f} against {min(m['nllAtT'] for m in met['members']):.3f} for the best member at the "
      f"same T. ECE of the ensemble: {f3(ens1['ece'])} at T = 1, {f3(ens['ece'])} at T = {T:.3f}.\n")
    er = json.load(open(os.path.join(HERE, "shipped", "earlier-run.json")))
    w(f"An earlier run ({er['what']}; {er['trainSeconds']:.0f} s on an {er['device']}) reached ensemble "
      f"accuracy {er['ensembleCalibrated']['accuracy']:.4f}, macro F1 {er['ensembleCalibrated']['macroF1']:.4f}, "
      f"ECE {er['ensembleCalibrated']['ece']:.3f} on the same original-JPEG validation split, but did not beat its "
      f"best member there (cycle {er['bestMember']['cycle']}: accuracy {er['bestMember']['accuracy']:.4f}, macro F1 "
      f"{er['bestMember']['macroF1']:.4f}): its later cycles were still improving. The shipped run has longer "
      "cycles and stronger JPEG augmentation. Choosing between two runs on the validation split makes the "
      "shipped figures slightly optimistic. A first trial (5 × 18 epochs, cut short by a budget guard that "
      "timed the cuDNN warm-up epoch; since fixed) was discarded.\n")
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
    w("The shipped members come from one run on a lent GPU machine (the pack is made here because the "
      "shared folder does not travel there; `.carry/` is git-ignored):\n")
    w("```sh\n" + REPRODUCE_GPU.replace(" && ", "\n") + "\n```\n")
    w("On CPU (same recipe, same defaults; Debian torch 1.13; see the time estimate above), in the background:\n")
    w("```sh\n" + REPRODUCE_CPU.replace(" && ", "\n") + " > train-cpu.log 2>&1 &\n```\n")
    w("Then, on CPU, for either run (`--members` the run's folder):\n")
    w("```sh\n"
      "nice /usr/bin/python3 models/training/evaluate.py --members models/training/runs/h200 --data ../shared/data/cells/pbc --out models/training/metrics.json --resample-check\n"
      "/usr/bin/python3 models/training/export.py --members models/training/runs/h200 --metrics models/training/metrics.json --data ../shared/data/cells/pbc --models models\n"
      "/usr/bin/python3 models/training/make_golden.py --members models/training/runs/h200 --data ../shared/data/cells/pbc --manifest models/manifest.json --out test/fixtures/golden\n"
      "/usr/bin/python3 models/training/verify_onnx.py --members models/training/runs/h200 --models models\n"
      "/usr/bin/python3 models/training/write_card.py --models models --run models/training/runs/h200\n"
      "```\n")
    w(f"The shipped run was started as `--epochs-per-cycle 100 --budget-min 4.6`; after timing epoch 3 "
      f"(0.64 s/epoch on the H200) the budget guard set "
      f"{tr['epochsPerCycle']} epochs per cycle (logged in `models/training/shipped/train-log.txt`), which the command above names directly. GPU runs are not bit-for-bit reproducible (cuDNN autotuning, bf16 autocast); expect "
      "validation figures within about ±0.5 %. The pack re-encodes the training images as WebP q90 to fit "
      "the 64 MiB a device call carries (validation images travel as their original JPEG bytes); the "
      "figures above are recomputed here from the original JPEGs.\n")
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
