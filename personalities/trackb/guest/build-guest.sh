#!/usr/bin/env bash
# Builds the Track B guest side with the machine's gcc:
#   build-guest.sh <bundled-resources-dir> <scratch-dir>
#   $1/trackb/warp-kernel.elf      the reference kernel (bundled in the personality jar)
#   $2/samples/bin/<name>          the sample programs, ABI executables
#   $2/samples/manifest.json       their image manifest (IMAGE-FORMAT.md §2)
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
scratch=$(mkdir -p "$2" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
jobs=${WARP_GUEST_JOBS:-2}

# the SDK runtime, then the agent as an ABI executable
make -s -j"$jobs" -C "$here/sdk" BUILD="$scratch/sdk" lib
make -s -C "$here/sdk" BUILD="$scratch/sdk" PROGRAM=agent \
    SRC="$here/kernel/agent/agent.c $here/kernel/agent/virtio.c"

# the kernel, with the agent embedded
make -s -j"$jobs" -C "$here/kernel" BUILD="$scratch/kernel" AGENT="$scratch/sdk/agent" SDK="$here/sdk"
mkdir -p "$out/trackb"
cp "$scratch/kernel/warp-kernel.elf" "$out/trackb/warp-kernel.elf"

# the sample programs and their manifest
mkdir -p "$scratch/samples/bin"
for src in "$here"/samples/*.c; do
    name=$(basename "$src" .c)
    make -s -C "$here/sdk" BUILD="$scratch/sdk" PROGRAM="samples/$name" SRC="$src"
    cp "$scratch/sdk/samples/$name" "$scratch/samples/bin/$name"
done
cp "$here/samples/manifest.json" "$scratch/samples/manifest.json"
