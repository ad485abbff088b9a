#!/usr/bin/env bash
# Builds the Track B guest side: build-guest.sh <bundled-resources-dir> <scratch-dir>.
# (Filled in with the reference kernel's build.)
set -euo pipefail
mkdir -p "$1" "$2"
