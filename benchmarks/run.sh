#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar with the reactor and runs one suite, or all of them and
# writes docs/benchmarks.md (`report`).
#
#   benchmarks/run.sh SUITE [JMH options...]
#   benchmarks/run.sh report                  # every suite, then docs/benchmarks.md (~25 min, 2 cores)
#   QUICK=1 benchmarks/run.sh report          # every suite for one very short iteration (~8 min):
#                                             # checks the pipeline, numbers mean nothing
#
# Further options go to JMH as they are, e.g. `-p batchSize=64`, `-i 10` for longer runs, or
# `-jvmArgsAppend -Djava.io.tmpdir=/mnt/ssd/tmp` to measure another device (never a tmpfs: there a
# forced write costs nothing). Set SKIP_BUILD=1 to reuse the jar. Results go to
# benchmarks/target/results/ (JMH JSON per suite, Markdown for the plain programs).
set -euo pipefail

usage() {
  cat >&2 <<USAGE
usage: $0 SUITE [JMH options...]
  memory      MemoryBenchmark: JCache and raw caches in memory, reads / 75-25 / writes, Zipf keys
  disk        DiskBenchmark: reads missing memory, sustained puts, bursts into the write-behind buffer
  restart     RestartBenchmark: reopen a 1M-entry cache, warm its hot set, reads during warm-up
  flush       DiskFlushBenchmark: batches made durable per second
  recovery    DiskRecoveryBenchmark: time to open a directory after a clean close or a kill
  loss-window LossWindow (plain program): what a kill -9 loses against the flush interval
  hit-rate    HitRates (plain program): W-TinyLFU against LRU of the same size
  report      all of the above, then writes docs/benchmarks.md (QUICK=1: one short iteration each)
USAGE
}

if [[ $# -lt 1 ]]; then
  usage
  exit 2
fi
suite="$1"
shift

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jar="benchmarks/target/benchmarks.jar"
results="benchmarks/target/results"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -ntp -q -pl benchmarks -am package -DskipTests -DskipTck=true
fi
mkdir -p "$results"

quick=()
if [[ "${QUICK:-0}" == 1 ]]; then
  # One very short iteration, no warm-up: proves every benchmark runs, measures nothing.
  quick=(-f 1 -wi 0 -i 1 -w 1s -r 1s)
fi

# Runs one JMH suite: $1 result name, $2 benchmark pattern, the rest JMH options.
jmh() {
  local name="$1" pattern="$2"
  shift 2
  # -foe: a benchmark that throws fails the run instead of leaving a hole in the table.
  local command=(java -jar "$jar" "$pattern" -foe true -rf json -rff "$results/$name.json" "$@")
  echo "    ${command[*]}" >>"$results/commands.txt"
  "${command[@]}"
}

# Runs one plain program: $1 result name, $2 main class, the rest its arguments.
program() {
  local name="$1" main="$2"
  shift 2
  local command=(java -Xmx1g -cp "$jar" "$main" "$@")
  echo "    ${command[*]} > $results/$name.md" >>"$results/commands.txt"
  "${command[@]}" | tee "$results/$name.md"
}

run_suite() {
  local suite="$1"
  shift
  case "$suite" in
    memory)
      jmh memory-t1 'dev\.cairn\.benchmarks\.MemoryBenchmark\.' -t 1 "${quick[@]}" "$@"
      jmh memory-t2 'dev\.cairn\.benchmarks\.MemoryBenchmark\.' -t 2 "${quick[@]}" "$@"
      ;;
    disk) jmh disk 'dev\.cairn\.benchmarks\.DiskBenchmark\.' "${quick[@]}" "$@" ;;
    restart)
      if [[ "${QUICK:-0}" == 1 ]]; then set -- -p entries=100000 "$@"; fi
      jmh restart 'dev\.cairn\.benchmarks\.RestartBenchmark\.' "${quick[@]}" "$@"
      ;;
    flush) jmh flush 'dev\.cairn\.benchmarks\.DiskFlushBenchmark\.' "${quick[@]}" "$@" ;;
    recovery)
      if [[ "${QUICK:-0}" == 1 ]]; then set -- -p entries=10000 "$@"; fi
      jmh recovery 'dev\.cairn\.benchmarks\.DiskRecoveryBenchmark\.' "${quick[@]}" "$@"
      ;;
    loss-window)
      if [[ "${QUICK:-0}" == 1 ]]; then set -- 100 1 5000 1000; fi
      program loss-window dev.cairn.benchmarks.LossWindow "$@"
      ;;
    hit-rate) program hit-rates dev.cairn.benchmarks.HitRates "$@" ;;
    *)
      usage
      exit 2
      ;;
  esac
}

describe_machine() {
  {
    echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores available"
    echo "- memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- JVM: $(java -version 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
    echo "- OS: $(uname -sr); java.io.tmpdir on $(df -T "${TMPDIR:-/tmp}" | awk 'NR==2 {print $2}')"
    echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
    echo "- started $(date -u '+%Y-%m-%d %H:%M UTC'); $( [[ "${QUICK:-0}" == 1 ]] && echo '**QUICK mode: one short iteration per benchmark, the numbers mean nothing**' || echo 'full report configuration')"
    echo
    echo "Command: \`$( [[ "${QUICK:-0}" == 1 ]] && echo 'QUICK=1 ')benchmarks/run.sh report\`, which ran:"
    echo
  } >"$results/machine.md"
}

if [[ "$suite" == report ]]; then
  start=$(date +%s)
  rm -f "$results"/*.json "$results"/*.md "$results/commands.txt"
  describe_machine
  for each in memory disk restart flush recovery loss-window hit-rate; do
    run_suite "$each"
  done
  {
    cat "$results/commands.txt"
    echo
    echo "Took $(( ($(date +%s) - start) / 60 )) minutes."
  } >>"$results/machine.md"
  mkdir -p docs
  python3 benchmarks/report.py "$results" docs/benchmarks.md
else
  run_suite "$suite" "$@"
fi
