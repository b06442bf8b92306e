#!/usr/bin/env bash
# CPU profile of one medallion step (not a test): runs the step as Airflow runs it (its own JVM on the
# bundled runner jar, devstack/run-pipeline) under Java Flight Recorder, then prints where the CPU
# samples went, by kind of work, and the hottest frames.
#
#   devstack/profile-step.sh <MainClass> <runner-config> --lakehouse=… --date=…
#   e.g. devstack/profile-step.sh com.coffeeshop.pipelines.medallion.silver.SilverClean flink-local \
#          --lakehouse=$PWD/.local/bench-lakehouse-flink-local --date=2026-12-03
#
# The recording stays in .local/profile-<Step>-<config>.jfr (open it in JDK Mission Control for more).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
MAIN="${1:?usage: profile-step.sh <MainClass> <runner-config> [pipeline options…]}"
CONFIG="${2:?usage: profile-step.sh <MainClass> <runner-config> [pipeline options…]}"
STEP="${MAIN##*.}"
shift 2
command -v jfr >/dev/null || { echo "[profile] needs the JDK's jfr tool on PATH" >&2; exit 2; }
mkdir -p .local
JFR="$REPO/.local/profile-$STEP-$CONFIG.jfr"
LOG="$REPO/.local/profile-$STEP-$CONFIG.log"
rm -f "$JFR"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GB" >&2
devstack/run-pipeline --build "$CONFIG"
start=$(date +%s.%N)
# Without the class-data archive: JFR with it crashes JDK 17.0.15 (SIGSEGV in
# KlassFactory::check_shared_class_file_load_hook, see docs/facts.md).
COFFEE_CLASS_ARCHIVE=0 COFFEE_PREBUILT=1 COFFEE_JAVA_OPTS="-XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true" \
  devstack/run-pipeline "$MAIN" "$CONFIG" "$@" >"$LOG" 2>&1 \
  || { echo "[profile] $STEP failed; its log: $LOG" >&2; tail -5 "$LOG" >&2; exit 1; }
echo "$STEP on $CONFIG: $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') s wall (JFR on)"
jfr print --events jdk.ExecutionSample --stack-depth 64 "$JFR" | python3 -c '
import collections, re, sys
events = [e for e in sys.stdin.read().split("jdk.ExecutionSample") if "line:" in e]
kinds = [  # first match wins
    ("Avro coder: encoding and decoding records between steps", ("AvroCoder.encode", "AvroCoder.decode")),
    ("parquet read (DeltaRead)", ("DeltaTables.readFile",)),
    ("parquet write (DeltaWrite)", ("DeltaWrite$PartitionFiles",)),
    ("our transforms and rules (com.coffeeshop)", ("com.coffeeshop",)),
    ("runner: sorting, shuffling, serialising", ("org.apache.flink", "org.apache.spark", "runners.direct")),
]
counts = collections.Counter()
for e in events:
    counts[next((k for k, marks in kinds if any(m in e for m in marks)), "other")] += 1
total = len(events) or 1
print(f"{len(events)} CPU samples")
for kind, n in counts.most_common():
    print(f"  {100 * n / total:5.1f} %  {kind}")
top = collections.Counter(re.search(r"^\s+(\S+)\(", e, re.M).group(1) for e in events)
print("hottest frames:")
for frame, n in top.most_common(10):
    print(f"  {100 * n / total:5.1f} %  {frame}")
'
