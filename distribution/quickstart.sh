#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install prerequisites, build, then boot the default
# (busybox) image through the WARP service and run a command in it.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
distribution/install-prerequisites.sh
mvn -B -q -DskipTests install
if (($#)); then
    exec distribution/wslx -- "$@"
fi
exec distribution/wslx -- uname -a
