#!/bin/sh
# Builds a Debian bookworm (minbase) root filesystem tar with debootstrap. Needs root. The result
# is cached under the WARP cache with its SHA-256 recorded; later calls copy the cached tar.
#
#   build-debian-rootfs.sh OUT.tar
#   WARP_DEBIAN_MIRROR  mirror to bootstrap from (default http://deb.debian.org/debian)
#   WARP_DEBIAN_SUITE   suite (default bookworm)
#   WARP_DEBIAN_INCLUDE extra packages, comma-separated (cached as a separate image)
set -eu

die() { echo "build-debian-rootfs: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: build-debian-rootfs.sh OUT.tar"
out=$1
[ "$(id -u)" -eq 0 ] || die "debootstrap needs root (run as root or under sudo)"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
suite=${WARP_DEBIAN_SUITE:-bookworm}
mirror=${WARP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache_root=${WARP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wslx-warp}
include=${WARP_DEBIAN_INCLUDE:-}
cached="$cache_root/images/debian-$suite-minbase${include:+-$(echo "$include" | tr ',' '-')}.tar"
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
debootstrap --variant=minbase ${include:+--include="$include"} "$suite" "$root" "$mirror" >&2 \
    || die "debootstrap of $suite${include:+ with $include} from $mirror failed"
# What only made sense on the build machine, or must be unique per guest, goes.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/* "$root"/tmp/*
: > "$root/etc/machine-id"
echo debian > "$root/etc/hostname"
mkdir -p "$(dirname "$cached")"
tar --create --file "$cached.tmp" --directory "$root" --sort=name --numeric-owner --xattrs \
    --format=posix --pax-option=delete=atime,delete=ctime .
mv "$cached.tmp" "$cached"
printf 'suite=%s\nmirror=%s\ninclude=%s\nsha256=%s\n' "$suite" "$mirror" "$include" \
    "$(sha256sum "$cached" | cut -d' ' -f1)" > "$props"
mkdir -p "$(dirname "$out")"
cp "$cached" "$out"
echo "build-debian-rootfs: $out (Debian $suite minbase${include:+ + $include})" >&2
