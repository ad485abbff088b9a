#!/bin/sh
# Fetches Debian's cloud kernel package into the WARP cache and extracts what a boot needs:
# vmlinuz, the virtio modules the agent loads (the cloud kernel builds them as modules) and the
# kernel's build configuration (config), which says how it finds virtio-mmio devices.
# Idempotent: a cached kernel whose recorded SHA-256 still matches is used as is.
#
#   WARP_KERNEL_PACKAGE  package to fetch (default: what linux-image-cloud-amd64 depends on)
#   WARP_CACHE_DIR       cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/wslx-warp)
#
# Prints the kernel directory on stdout.
set -eu

cache_root=${WARP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wslx-warp}
# The modules the agent needs; their load order is derived later from their dependencies.
modules="virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_mmio virtio_blk virtio_console"

die() { echo "fetch-kernel: $*" >&2; exit 1; }

package=${WARP_KERNEL_PACKAGE:-}
if [ -z "$package" ]; then
    package=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null \
        | sed -n 's/^ *Depends: \(linux-image-[^ ]*-cloud-amd64\)$/\1/p' | head -n 1)
    [ -n "$package" ] || die "cannot resolve the package linux-image-cloud-amd64 depends on (is apt's package list up to date? try apt-get update)"
fi
version=$(apt-cache show "$package" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
[ -n "$version" ] || die "package '$package' is unknown to apt-cache"

dir="$cache_root/kernels/$package-$version"
props="$dir/kernel.properties"

recorded() { sed -n "s/^$1=//p" "$props"; }

if [ -f "$props" ] && [ -f "$dir/vmlinuz" ] && [ -f "$dir/config" ]; then
    actual=$(sha256sum "$dir/vmlinuz" | cut -d' ' -f1)
    if [ "$actual" = "$(recorded vmlinuz.sha256)" ]; then
        echo "$dir"
        exit 0
    fi
    echo "fetch-kernel: cached $dir/vmlinuz does not match its recorded SHA-256; fetching again" >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dir"
(cd "$work" && apt-get download "$package=$version" >&2) || die "apt-get download $package=$version failed"
deb=$(ls "$work"/*.deb)
deb_sha=$(sha256sum "$deb" | cut -d' ' -f1)
mkdir "$work/x"
dpkg-deb -x "$deb" "$work/x"

kver=$(ls "$work/x/lib/modules" | head -n 1)
[ -n "$kver" ] || die "package '$package' has no /lib/modules directory"
[ -f "$work/x/boot/vmlinuz-$kver" ] || die "package '$package' has no /boot/vmlinuz-$kver"

rm -rf "$dir/modules"
mkdir -p "$dir/modules"
for m in $modules; do
    ko=$(find "$work/x/lib/modules/$kver" -name "$m.ko" | head -n 1)
    [ -n "$ko" ] || die "package '$package' has no module $m.ko"
    cp "$ko" "$dir/modules/$m.ko"
done
[ -f "$work/x/boot/config-$kver" ] || die "package '$package' has no /boot/config-$kver"
cp "$work/x/boot/config-$kver" "$dir/config"
cp "$work/x/boot/vmlinuz-$kver" "$dir/vmlinuz.tmp"
vmlinuz_sha=$(sha256sum "$dir/vmlinuz.tmp" | cut -d' ' -f1)

cat > "$props.tmp" <<PROPS
package=$package
version=$version
kernel.release=$kver
directory=kernels/$package-$version
vmlinuz=vmlinuz
vmlinuz.sha256=$vmlinuz_sha
deb=$(basename "$deb")
deb.sha256=$deb_sha
modules=$modules
PROPS
mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
mv "$props.tmp" "$props"
echo "$dir"
