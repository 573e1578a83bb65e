#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar with the reactor and runs one JMH suite with the short
# settings its annotations carry (1 fork, 2-3 iterations of 1-2 s, or single shots for recovery).
#
#   benchmarks/run.sh flush|recovery [JMH options...]
#
# Further options go to JMH as they are, e.g. `-p batchSize=64`, `-i 10` for longer runs, or
# `-jvmArgsAppend -Djava.io.tmpdir=/mnt/ssd/tmp` to measure another device (never a tmpfs: there a
# forced write costs nothing). Set SKIP_BUILD=1 to reuse the jar. Results also go to
# benchmarks/target/results/<suite>.json.
set -euo pipefail

usage() {
  echo "usage: $0 flush|recovery [JMH options...]" >&2
  echo "  flush     DiskFlushBenchmark: batches made durable per second" >&2
  echo "  recovery  DiskRecoveryBenchmark: time to open a directory after a clean close or a kill" >&2
}

if [[ $# -lt 1 ]]; then
  usage
  exit 2
fi
suite="$1"
shift
case "$suite" in
  flush) benchmark='dev\.cairn\.benchmarks\.DiskFlushBenchmark\.' ;;
  recovery) benchmark='dev\.cairn\.benchmarks\.DiskRecoveryBenchmark\.' ;;
  *)
    usage
    exit 2
    ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jar="benchmarks/target/benchmarks.jar"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -ntp -q -pl benchmarks -am package -DskipTests
fi
mkdir -p benchmarks/target/results
# -foe: a benchmark that throws fails the run instead of leaving a hole in the table.
java -jar "$jar" "$benchmark" -foe true -rf json -rff "benchmarks/target/results/$suite.json" "$@"
