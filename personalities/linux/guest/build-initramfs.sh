#!/bin/sh
# Assembles the WARP initramfs: an uncompressed newc cpio holding the agent as /init, the virtio
# modules the cloud kernel does not build in, and /warp/modules.order listing them so that every
# module comes after the modules it depends on (read from each .ko's .modinfo section, since the
# kernel package ships no modules.dep).
#
#   build-initramfs.sh AGENT KERNEL_DIR OUT.cpio
set -eu

die() { echo "build-initramfs: $*" >&2; exit 1; }
[ $# -eq 3 ] || die "usage: build-initramfs.sh AGENT KERNEL_DIR OUT.cpio"
agent=$1 kernel_dir=$2 out=$3
[ -x "$agent" ] || die "agent '$agent' is missing or not executable"
[ -f "$kernel_dir/kernel.properties" ] || die "kernel directory '$kernel_dir' has no kernel.properties (run fetch-kernel.sh)"
modules=$(sed -n 's/^modules=//p' "$kernel_dir/kernel.properties")

depends_of() {
    objcopy -O binary --only-section=.modinfo "$kernel_dir/modules/$1.ko" /dev/stdout \
        | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '
}

# Depth-first topological order: a module is emitted after everything it depends on.
ordered=""
visiting=""
visit() {
    case " $ordered " in *" $1 "*) return ;; esac
    case " $visiting " in *" $1 "*) die "module dependency cycle through $1" ;; esac
    [ -f "$kernel_dir/modules/$1.ko" ] || die "module $1 is needed but $kernel_dir/modules/$1.ko is missing"
    visiting="$visiting $1"
    for dep in $(depends_of "$1"); do visit "$dep"; done
    ordered="$ordered $1"
}
for m in $modules; do visit "$m"; done

mkdir -p "$(dirname "$out")"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/warp/modules" "$root/dev" "$root/proc" "$root/sys" "$root/newroot"
cp "$agent" "$root/init"
chmod 0755 "$root/init"
: > "$root/warp/modules.order"
for m in $ordered; do
    cp "$kernel_dir/modules/$m.ko" "$root/warp/modules/$m.ko"
    echo "/warp/modules/$m.ko" >> "$root/warp/modules.order"
done
# Fixed timestamps and owners make the archive reproducible.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort \
    | cpio --quiet -o -H newc --owner=0:0 --reproducible) > "$out.tmp"
mv "$out.tmp" "$out"
echo "build-initramfs: $out with modules:$ordered" >&2
