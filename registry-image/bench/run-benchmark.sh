#!/bin/sh
# Plain `registry garbage-collect` against the GC runner on identical copies of a generated storage.
# Usage (from anywhere): registry-image/bench/run-benchmark.sh [GcBenchmark options, e.g. --rounds 9 --work /dev/shm/gc-bench]
set -eu
module="$(cd "$(dirname "$0")/.." && pwd)"
cd "$module/.."
./mvnw -q -B -pl registry-image -am package -DskipTests
cd "$module"
exec java -cp target/test-classes dev.registryoperator.gcrunner.bench.GcBenchmark "$@"
