#!/usr/bin/env bash
# Installs what building and running WARP needs on Debian 12: QEMU (the backend); e2fsprogs and
# the compressors (root disks are made with mke2fs -d and read back with debugfs); cpio,
# busybox-static and debootstrap (initramfs, default image, Debian test image); gcc for the static
# guest agent; Java 17 and Maven for the host side; acpica-tools (iasl) to check the KVM monitor's
# ACPI tables against ACPICA's disassembler in tests. Safe to run again.
set -euo pipefail
packages=(
    qemu-system-x86 qemu-utils
    e2fsprogs tar gzip xz-utils zstd bzip2
    cpio busybox-static debootstrap
    gcc make libc6-dev binutils
    acpica-tools
    openjdk-17-jdk-headless maven
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
# The build downloads the guest kernel and busybox with apt-get download, so apt's package lists
# must be present even when every tool is already installed.
if ((${#missing[@]})) || ! apt-cache show linux-image-cloud-amd64 >/dev/null 2>&1; then
    "${sudo_cmd[@]}" apt-get update -qq
fi
if ((${#missing[@]})); then
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
