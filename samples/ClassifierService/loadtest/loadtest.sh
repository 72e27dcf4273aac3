#!/usr/bin/env bash
# Load test: starts ClassifierService on 127.0.0.1 with micro-batching on and then off, drives each with wrk
# (Debian's package) for a fixed time, and prints requests/s, p50/p99 latency, errors and the speed-up.
# Usage: samples/ClassifierService/loadtest/loadtest.sh [seconds=20] [connections=32]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
seconds="${1:-20}"
connections="${2:-32}"
port="${PORT:-5391}"

command -v wrk >/dev/null || { echo "loadtest: wrk is required (apt-get install wrk)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "loadtest: python3 is required to write the request bodies" >&2; exit 1; }

dotnet build "$repo/samples/ClassifierService" -c Release -v quiet -nologo >/dev/null
service="$repo/samples/ClassifierService/bin/Release/net10.0/ClassifierService"

# 300 SMS messages from the shared collection, one {"text": ...} body per line.
export BODIES="$(mktemp)"
trap 'rm -f "$BODIES"' EXIT
python3 - "$repo/../shared/assets/data/sms-spam/SMSSpamCollection" "$BODIES" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()[1:301]  # after the header line
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in lines:
        out.write(json.dumps({"text": line.split("\t", 1)[1]}) + "\n")
PY

run() {
  local batching="$1"
  "$service" --urls "http://127.0.0.1:$port" --Service:MicroBatching="$batching" --Logging:LogLevel:Default=Warning &
  local pid=$!
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 0.2
  done
  wrk -t2 -c"$connections" -d5s -s "$here/classify.lua" "http://127.0.0.1:$port" >/dev/null   # warm-up
  local out
  out="$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$here/classify.lua" "http://127.0.0.1:$port")"
  kill -TERM "$pid"
  wait "$pid" || true
  local rps line
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  line="$(grep '^fastbert:' <<<"$out")"
  echo "$batching $rps $line"
}

on="$(run true)"
off="$(run false)"
python3 - "$on" "$off" "$seconds" "$connections" <<'PY'
import sys
def parse(row):
    parts = row.split()
    fields = dict(p.split("=") for p in parts[3:])
    errors = sum(int(fields[k]) for k in ("non2xx", "connect", "read", "write", "timeout"))
    return float(parts[1]), int(fields["p50_us"]) / 1000, int(fields["p99_us"]) / 1000, errors, int(fields["requests"])
on, off = parse(sys.argv[1]), parse(sys.argv[2])
print(f"wrk -t2 -c{sys.argv[4]} -d{sys.argv[3]}s, one SMS per POST /classify")
print("| micro-batching | requests/s | p50 ms | p99 ms | errors | requests |")
print("|---|---|---|---|---|---|")
for name, r in (("on (2 ms window, max 32)", on), ("off (batch 1 per request)", off)):
    print(f"| {name} | {r[0]:.0f} | {r[1]:.1f} | {r[2]:.1f} | {r[3]} | {r[4]} |")
print(f"speed-up: {on[0] / off[0]:.2f}x")
sys.exit(1 if on[3] or off[3] else 0)
PY
