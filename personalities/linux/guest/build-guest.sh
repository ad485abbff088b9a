#!/bin/sh
# Everything the Maven build needs from the guest side, in one step: the cached Debian kernel, the
# static agent, the initramfs and kernel.properties for the bundle, and the default busybox image.
#
#   build-guest.sh RESOURCES_DIR WORK_DIR
#     RESOURCES_DIR/guest/initramfs.cpio, RESOURCES_DIR/guest/kernel.properties  (bundled)
#     WORK_DIR/agent/warp-agent, WORK_DIR/busybox-rootfs.tar                      (not bundled)
set -eu

[ $# -eq 2 ] || { echo "usage: build-guest.sh RESOURCES_DIR WORK_DIR" >&2; exit 1; }
resources=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
module=$(dirname "$here")

kernel_dir=$("$here/fetch-kernel.sh")
make -s -C "$module/agent" OBJDIR="$work/agent/obj/" OUT="$work/agent/warp-agent"
mkdir -p "$resources/guest"
"$here/build-initramfs.sh" "$work/agent/warp-agent" "$kernel_dir" "$resources/guest/initramfs.cpio"
cp "$kernel_dir/kernel.properties" "$resources/guest/kernel.properties"
"$module/images/build-busybox-rootfs.sh" "$work/busybox-rootfs.tar"
