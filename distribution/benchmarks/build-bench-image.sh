#!/bin/sh
# Builds the benchmark image: Debian bookworm minbase plus qemu-guest-agent, so one guest can serve
# both WARP's exec and qemu-ga's guest-exec. Needs root. Cached next to the personality's Debian
# image (same cache folder, same SHA-256 bookkeeping); later calls copy the cached tar.
#
#   build-bench-image.sh OUT.tar
#   WARP_DEBIAN_MIRROR  mirror to bootstrap from (default http://deb.debian.org/debian)
#   WARP_DEBIAN_SUITE   suite (default bookworm)
set -eu

die() { echo "build-bench-image: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: build-bench-image.sh OUT.tar"
out=$1
[ "$(id -u)" -eq 0 ] || die "debootstrap needs root (run as root or under sudo)"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
suite=${WARP_DEBIAN_SUITE:-bookworm}
mirror=${WARP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache_root=${WARP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wslx-warp}
cached="$cache_root/images/debian-$suite-minbase-qemu-guest-agent.tar"
props="$cached.properties"

if [ -f "$cached" ] && [ -f "$props" ] && \
   [ "$(sha256sum "$cached" | cut -d' ' -f1)" = "$(sed -n 's/^sha256=//p' "$props")" ]; then
    mkdir -p "$(dirname "$out")"
    cp "$cached" "$out"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
debootstrap --variant=minbase --include=qemu-guest-agent "$suite" "$root" "$mirror" >&2 \
    || die "debootstrap of $suite with qemu-guest-agent from $mirror failed"
[ -x "$root/usr/sbin/qemu-ga" ] || die "debootstrap finished but $root/usr/sbin/qemu-ga is missing"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/* "$root"/tmp/*
: > "$root/etc/machine-id"
echo debian-bench > "$root/etc/hostname"
mkdir -p "$(dirname "$cached")"
tar --create --file "$cached.tmp" --directory "$root" --sort=name --numeric-owner --xattrs \
    --format=posix --pax-option=delete=atime,delete=ctime .
mv "$cached.tmp" "$cached"
printf 'suite=%s\nmirror=%s\ninclude=qemu-guest-agent\nsha256=%s\n' "$suite" "$mirror" \
    "$(sha256sum "$cached" | cut -d' ' -f1)" > "$props"
mkdir -p "$(dirname "$out")"
cp "$cached" "$out"
echo "build-bench-image: $out (Debian $suite minbase + qemu-guest-agent)" >&2
