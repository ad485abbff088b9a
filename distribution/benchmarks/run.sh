#!/usr/bin/env bash
# Runs the WARP benchmarks: builds what is missing, makes the benchmark image (Debian minbase +
# qemu-guest-agent, cached), then runs org.wslx.warp.bench.WarpBenchmarks, which prints one table per
# benchmark and writes distribution/benchmarks/RESULTS.md. Extra arguments go to the program, e.g.
#   run.sh --boot-rounds=5 --exec-rounds=200 --cli-rounds=30 --trackb-rounds=10 --sandbox-rounds=300 [--only=boot,exec,cli,sandbox,trackb]
# The benchmarks use a private service under /tmp/wbench-* and stop it at the end. Needs root for
# debootstrap the first time.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
java=${WARP_JAVA:-java}

if [[ ! -f "$root/distribution/target/warp.jar" || ! -f "$root/personalities/linux/target/org.wslx.warp.personality.linux-0.1.0-SNAPSHOT.jar" ]]; then
    (cd "$root" && mvn -B -q -DskipTests install)
fi
if [[ ! -f "$here/target/warp-benchmarks-0.1.0-SNAPSHOT.jar" || ! -d "$here/target/lib" ]]; then
    (cd "$root" && mvn -B -q -DskipTests -pl distribution/benchmarks install)
fi

image="$here/target/bench-image.tar"
[[ -f "$image" ]] || "$here/build-bench-image.sh" "$image"

command="distribution/benchmarks/run.sh${*:+ $*}"
cd "$root"
exec "$java" -Dwarp.bench.command="$command" -cp "$here/target/warp-benchmarks-0.1.0-SNAPSHOT.jar:$here/target/lib/*" \
    org.wslx.warp.bench.WarpBenchmarks --project="$root" --bench-image="$image" "$@"
