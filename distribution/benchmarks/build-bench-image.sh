#!/bin/sh
# Builds the benchmark image: Debian bookworm minbase plus qemu-guest-agent, so one guest can serve
# both WARP's exec and qemu-ga's guest-exec. Needs root; cached like the personality's Debian image.
#
#   build-bench-image.sh OUT.tar
set -eu
[ $# -eq 1 ] || { echo "usage: build-bench-image.sh OUT.tar" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
WARP_DEBIAN_INCLUDE=qemu-guest-agent "$here/../../personalities/linux/images/build-debian-rootfs.sh" "$1"
tar -tf "$1" ./usr/sbin/qemu-ga >/dev/null 2>&1 \
    || { echo "build-bench-image: $1 has no /usr/sbin/qemu-ga" >&2; exit 1; }
