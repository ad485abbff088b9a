#!/bin/sh
# Builds WARP's default image: a small root filesystem tar made from Debian's busybox-static
# package (fetched into the WARP cache with its SHA-256 recorded), with root and a user 'warp'.
# The tar is reproducible: fixed timestamps, sorted names, everything owned by root.
#
#   build-busybox-rootfs.sh OUT.tar
set -eu

die() { echo "build-busybox-rootfs: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: build-busybox-rootfs.sh OUT.tar"
out=$1
cache_root=${WARP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wslx-warp}

version=$(apt-cache show busybox-static 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
[ -n "$version" ] || die "package 'busybox-static' is unknown to apt-cache (try apt-get update)"
dir="$cache_root/packages/busybox-static-$version"
props="$dir/package.properties"
deb=$(ls "$dir"/*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ] || [ ! -f "$props" ] || \
   [ "$(sha256sum "$deb" | cut -d' ' -f1)" != "$(sed -n 's/^deb.sha256=//p' "$props")" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && apt-get download "busybox-static=$version" >&2) || die "apt-get download busybox-static=$version failed"
    deb=$(ls "$dir"/*.deb)
    printf 'package=busybox-static\nversion=%s\ndeb=%s\ndeb.sha256=%s\n' \
        "$version" "$(basename "$deb")" "$(sha256sum "$deb" | cut -d' ' -f1)" > "$props"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/deb"
root="$work/root"
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" "$root/root" \
    "$root/home/warp" "$root/tmp" "$root/dev" "$root/proc" "$root/sys" "$root/run" "$root/var/tmp"
cp "$work/deb/bin/busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
# One symlink per applet, at the path busybox itself reports for it.
"$root/bin/busybox" --list-full | while read -r applet; do
    [ "$applet" = bin/busybox ] && continue
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done

cat > "$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
warp:x:1000:1000:WARP user:/home/warp:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat > "$root/etc/group" <<'G'
root:x:0:
tty:x:5:
users:x:100:warp
warp:x:1000:
nogroup:x:65534:
G
cat > "$root/etc/os-release" <<O
NAME="WARP busybox"
PRETTY_NAME="WARP busybox (busybox-static $version)"
ID=warp-busybox
VERSION_ID="$version"
O
echo warp > "$root/etc/hostname"
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"
chmod 0755 "$root/home/warp"

mkdir -p "$(dirname "$out")"
tar --create --file "$out.tmp" --directory "$root" --sort=name --mtime=@0 \
    --numeric-owner --owner=0 --group=0 --format=gnu .
mv "$out.tmp" "$out"
echo "build-busybox-rootfs: $out (busybox-static $version)" >&2
