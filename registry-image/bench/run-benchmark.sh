#!/bin/sh
# Plain `registry garbage-collect` against the GC runner on identical copies of a generated storage.
# Usage (from anywhere): registry-image/bench/run-benchmark.sh [GcBenchmark options, e.g. --rounds 9 --work /dev/shm/gc-bench]
set -eu
module="$(cd "$(dirname "$0")/.." && pwd)"
cd "$module/.."
# with the test classpath: --s3 runs an S3 server (s3-server, S3Proxy) in this JVM
./mvnw -q -B -pl registry-image -am package -DskipTests dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
cd "$module"
exec java -cp "target/test-classes:$(cat target/bench-classpath.txt)" dev.registryoperator.gcrunner.bench.GcBenchmark "$@"
