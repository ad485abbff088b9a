#!/bin/sh
# Builds the sandbox guest images with the machine's gcc.
#   build-guest.sh RESOURCE_DIR WORK_DIR
# RESOURCE_DIR/guest/ receives what the bundle carries: samples.elf, the header, the runtime and the
# linker script (so users can build their own images against the same layout); WORK_DIR holds objects.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
resources=$1
work=$2
out=$resources/guest
mkdir -p "$out" "$work"

CC=${CC:-gcc}
# Freestanding, position-dependent, no stack protector or CET notes: there is no libc and no kernel.
CFLAGS="-O2 -g0 -std=c11 -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
 -fno-asynchronous-unwind-tables -fcf-protection=none -fno-builtin -mno-red-zone -I$here/include"
LDFLAGS="-nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack \
 -Wl,-T,$here/runtime/guest.ld"

runtime_objs="$work/entry.o $work/memory.o"
$CC $CFLAGS -c "$here/runtime/entry.S" -o "$work/entry.o"
$CC $CFLAGS -c "$here/runtime/memory.c" -o "$work/memory.o"

samples_objs=""
for src in samples.c sha256.c cpu_state.c segment_state.c; do
    obj="$work/${src%.c}.o"
    $CC $CFLAGS -c "$here/samples/$src" -o "$obj"
    samples_objs="$samples_objs $obj"
done
# shellcheck disable=SC2086
$CC $CFLAGS $LDFLAGS -o "$out/samples.elf" $runtime_objs $samples_objs

cp "$here/include/warp_sandbox.h" "$here/runtime/entry.S" "$here/runtime/memory.c" "$here/runtime/guest.ld" "$out/"
echo "sandbox guest: built $out/samples.elf"
