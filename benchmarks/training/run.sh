#!/usr/bin/env bash
# The long training runs behind the figures in README ("Training"): SMS spam from random initialisation, and an
# emotion classifier fine-tuned from the SMS model in each mode. Usage: benchmarks/training/run.sh [output-folder]
# Prints a summary table; every run leaves train.json and report.html in its folder.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
assets="${FASTBERT_SHARED_ASSETS:-$repo/../shared/assets}"
out="${1:-$repo/artifacts/training}"
mkdir -p "$out"
dotnet build "$repo/src/Tool" -c Release -v quiet -nologo >/dev/null
dotnet build "$repo/src/TrainTool" -c Release -v quiet -nologo >/dev/null
fastbert="$repo/src/Tool/bin/Release/net10.0/fastbert"
# fastbert train runs the fastbert-train extension; this build of it.
export FASTBERT_TRAIN_TOOL="$repo/src/TrainTool/bin/Release/net10.0/fastbert-train.dll"
sms="$assets/data/sms-spam"
emotion="$assets/data/emotion"
base="$assets/models/sms-spam-bert-tiny"

run() { # name, then train arguments
  local name="$1"; shift
  local start=$(date +%s.%N)
  "$fastbert" train "$@" --output "$out/$name" --json > "$out/$name.train.json"
  local end=$(date +%s.%N)
  echo "$name: $(echo "$end - $start" | bc) s wall"
}

# 1. SMS spam from random initialisation (bert-tiny shape), validated on the 1114 held-out messages.
run sms-scratch --base "$base" --from-scratch --labels ham,spam --data "$sms/SMSSpamCollection" \
  --validation-indices "$sms/sms_test_indices.txt" --epochs 6 --lr 5e-4 --batch 32 --seed 42

# 2. Emotion from the SMS model in each mode: validation on val.txt per epoch, final evaluation on test.txt.
labels=sadness,joy,love,anger,fear,surprise
common=(--base "$base" --labels "$labels" --data "$emotion/train.txt" --validation "$emotion/val.txt" --epochs 4 --batch 32 --seed 42)
run emotion-full "${common[@]}" --mode full --lr 5e-4
run emotion-head "${common[@]}" --mode head --lr 5e-3
run emotion-lora "${common[@]}" --mode lora --lr 2e-3 --lora-rank 8 --lora-alpha 16

# 3. The same head and LoRA runs on an encoder that already knows emotions (the full run's output) with the labels in
#    another order, so the head starts random: separates "the mode works" from "this base's features fit the task".
relabelled=joy,sadness,love,anger,fear,surprise
again=(--base "$out/emotion-full" --labels "$relabelled" --data "$emotion/train.txt" --validation "$emotion/val.txt" --epochs 1 --batch 32 --seed 42)
run emotion-encoder-head "${again[@]}" --mode head --lr 5e-3
run emotion-encoder-lora "${again[@]}" --mode lora --lr 2e-3 --lora-rank 8 --lora-alpha 16

# 4. SMILE tweets (drop nocode and multi-label rows), stratified 15% validation split, balanced class weights.
run smile-full --base "$base" --data "$assets/data/smile/smile-annotations-final.csv" --skip-labels nocode --drop-multi-label \
  --labels happy,not-relevant,angry,surprise,sad,disgust --split 0.15 --stratify --class-weights auto --mode full --epochs 8 --lr 5e-4 --seed 42

# 5. SST-2 from random initialisation: BERT-tiny shape vs the ELECTRA shape (embedding 64 projected to 128), dev set.
sst=(--data "$assets/data/sst2/train.tsv" --validation "$assets/data/sst2/dev.tsv" --labels negative,positive --from-scratch --epochs 3 --lr 5e-4 --max-tokens 64 --seed 42)
run sst2-bert "${sst[@]}" --base "$base"
run sst2-electra "${sst[@]}" --base "$assets/models/electra-random-parity"

for name in emotion-full emotion-head emotion-lora emotion-encoder-head emotion-encoder-lora; do
  "$fastbert" evaluate "$out/$name" --data "$emotion/test.txt" --json "$out/$name.test.json" | tail -1
done
"$fastbert" evaluate "$out/sms-scratch" --data "$sms/SMSSpamCollection" --indices "$sms/sms_test_indices.txt" | tail -1

python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
print("run | mode | epochs | trainable | total | s/epoch | last val acc | last val macro F1 | test acc | test macro F1")
for name in ["sms-scratch", "emotion-full", "emotion-head", "emotion-lora", "emotion-encoder-head", "emotion-encoder-lora", "smile-full", "sst2-bert", "sst2-electra"]:
    t = json.load(open(os.path.join(out, name + ".train.json")))
    e = t["epochs"]
    spe = sum(x["seconds"] for x in e) / len(e)
    test = os.path.join(out, name + ".test.json")
    ta = tf = "-"
    if os.path.exists(test):
        m = json.load(open(test))["evaluations"][0]["metrics"]
        ta, tf = f'{m["accuracy"]:.4f}', f'{m["macro"]["f1"]:.4f}'
    print(f'{name} | {t["mode"]} | {len(e)} | {t["trainableParameters"]:,} | {t["totalParameters"]:,} | {spe:.1f} | {e[-1]["accuracy"]:.4f} | {e[-1]["macroF1"]:.4f} | {ta} | {tf}')
r = json.load(open(os.path.join(out, "smile-full", "report.json")))["evaluations"][0]["metrics"]
print(f'smile-full validation: accuracy {r["accuracy"]:.4f}, weighted F1 {r["weighted"]["f1"]:.4f}, macro F1 {r["macro"]["f1"]:.4f}; per-class accuracy ' +
      ", ".join(f'{c["label"]} {c["accuracy"]:.2f} (n={c["support"]})' for c in r["perClass"]))
PY
