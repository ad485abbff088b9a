package org.wslx.warp.sandbox.kvm.layout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A machine image applied to an in-memory copy of guest memory, with a page walker that answers what
 * the CPU would see at an address, so the layout can be checked without a hypervisor.
 */
final class GuestMemoryImage {
    record Translation(long physical, boolean user, boolean writable, boolean executable) {
    }

    final ByteBuffer memory;
    private final long cr3;

    GuestMemoryImage(MachineImage image) {
        memory = ByteBuffer.allocate((int) image.layout().memoryBytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (MemoryChunk chunk : image.chunks()) {
            memory.put((int) chunk.address(), chunk.bytes());
        }
        cr3 = image.cpu().cr3();
    }

    /** The translation of a virtual address, or null when some level is not present. */
    Translation translate(long virtual) {
        long table = cr3 & ~0xfffL;
        boolean user = true;
        boolean writable = true;
        boolean executable = true;
        for (int level = 3; level >= 0; level--) {
            long index = (virtual >> (12 + 9 * level)) & 511;
            long entry = memory.getLong((int) (table + index * 8));
            if ((entry & PageTableBuilder.PRESENT) == 0) {
                return null;
            }
            user &= (entry & PageTableBuilder.USER) != 0;
            writable &= (entry & PageTableBuilder.WRITABLE) != 0;
            executable &= (entry & PageTableBuilder.NO_EXECUTE) == 0;
            table = entry & 0x000f_ffff_ffff_f000L;
        }
        return new Translation(table | (virtual & 0xfff), user, writable, executable);
    }
}
