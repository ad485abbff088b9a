package org.wslx.warp.vmm.x86;

import java.util.ArrayList;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.vmm.kvm.Segment;
import org.wslx.warp.vmm.memory.GuestMemory;

/**
 * Builds a 64-bit global descriptor table: flat code and data descriptors for CPL 0 and 3 and a 64-bit TSS
 * descriptor (16 bytes). Entry 0 is the null descriptor. Each add method returns the selector (with RPL = DPL),
 * and {@link #segment(int)} gives the matching register contents for KVM, so GDT and sregs cannot disagree.
 * {@link #standard(long, int)} builds the layout this monitor's guests use.
 */
@ProviderType
public final class GdtBuilder {
    /** Selectors of {@link #standard(long, int)}; the user entries are ordered as SYSRET expects (STAR[63:48] = 0x18). */
    public static final int KERNEL_CODE = 0x08;
    public static final int KERNEL_DATA = 0x10;
    public static final int USER_CODE32 = 0x18 | 3;
    public static final int USER_DATA = 0x20 | 3;
    public static final int USER_CODE = 0x28 | 3;
    public static final int TSS = 0x30;

    private static final int TYPE_CODE_EXEC_READ_ACCESSED = 0xB;
    private static final int TYPE_DATA_READ_WRITE_ACCESSED = 0x3;
    private static final int TYPE_TSS64_AVAILABLE = 0x9;
    /** What TR must hold once loaded: the TSS descriptor's type with the busy bit set. */
    private static final int TYPE_TSS64_BUSY = 0xB;

    private final List<Long> words = new ArrayList<>(List.of(0L));
    private final List<Segment> segments = new ArrayList<>();

    public GdtBuilder() {
        segments.add(null);
    }

    /** The layout: null, kernel code, kernel data, user code32 (SYSRET slot), user data, user code, TSS. */
    public static GdtBuilder standard(long tssBase, int tssLimit) {
        GdtBuilder b = new GdtBuilder();
        b.code64(0);
        b.data(0);
        b.code32(3);
        b.data(3);
        b.code64(3);
        b.tss64(tssBase, tssLimit);
        return b;
    }

    /**
     * An unused (null) descriptor, to place the next ones at the selectors a convention fixes (the Linux boot
     * protocol's GDT has code at 0x10 and data at 0x18); returns its selector.
     */
    public int reserved() {
        words.add(0L);
        segments.add(null);
        return (words.size() - 1) * 8;
    }

    /** A flat 64-bit code segment (L=1, D=0). */
    public int code64(int dpl) {
        return add(descriptor(0, 0xFFFFF, TYPE_CODE_EXEC_READ_ACCESSED, true, dpl, false, true, true),
                new Segment(0, 0xFFFFFFFF, 0, TYPE_CODE_EXEC_READ_ACCESSED, true, dpl, false, true, true, true, false, false), dpl);
    }

    /** A flat 32-bit code segment (for compatibility mode or the SYSRET layout). */
    public int code32(int dpl) {
        return add(descriptor(0, 0xFFFFF, TYPE_CODE_EXEC_READ_ACCESSED, true, dpl, true, false, true),
                new Segment(0, 0xFFFFFFFF, 0, TYPE_CODE_EXEC_READ_ACCESSED, true, dpl, true, true, false, true, false, false), dpl);
    }

    /** A flat writable data segment. */
    public int data(int dpl) {
        return add(descriptor(0, 0xFFFFF, TYPE_DATA_READ_WRITE_ACCESSED, true, dpl, true, false, true),
                new Segment(0, 0xFFFFFFFF, 0, TYPE_DATA_READ_WRITE_ACCESSED, true, dpl, true, true, false, true, false, false), dpl);
    }

    /** A 64-bit TSS descriptor (two GDT entries). {@code limit} is the TSS size minus one. */
    public int tss64(long base, int limit) {
        if (limit < Tss64Builder.SIZE - 1) {
            throw new IllegalArgumentException("TSS limit " + limit + " is below the 64-bit TSS size minus one (103)");
        }
        long low = descriptor(base & 0xFFFF_FFFFL, limit, TYPE_TSS64_AVAILABLE, false, 0, false, false, false);
        int selector = add(low, new Segment(base, limit, 0, TYPE_TSS64_BUSY, true, 0, false, false, false, false, false, false), 0);
        words.add(base >>> 32);
        segments.add(null);
        return selector;
    }

    private int add(long descriptor, Segment segment, int dpl) {
        if (dpl < 0 || dpl > 3) {
            throw new IllegalArgumentException("descriptor privilege level " + dpl + " is not 0-3");
        }
        int selector = words.size() * 8 | (segment.s() ? dpl : 0);
        words.add(descriptor);
        segments.add(new Segment(segment.base(), segment.limit(), selector, segment.type(), segment.present(),
                segment.dpl(), segment.db(), segment.s(), segment.l(), segment.g(), segment.avl(), segment.unusable()));
        return selector;
    }

    /** The register contents for a selector this builder returned. */
    public Segment segment(int selector) {
        int i = selector >>> 3;
        if (i <= 0 || i >= segments.size() || segments.get(i) == null) {
            throw new IllegalArgumentException("GDT selector 0x" + Integer.toHexString(selector) + " names no descriptor");
        }
        return segments.get(i);
    }

    /** The GDTR limit: size in bytes minus one. */
    public int limit() {
        return words.size() * 8 - 1;
    }

    /** The descriptors as 64-bit words. */
    public long[] descriptors() {
        return words.stream().mapToLong(Long::longValue).toArray();
    }

    /** Writes the table to guest memory at {@code address}. */
    public void writeTo(GuestMemory memory, long address) {
        writeTo(TableMemory.of(memory), address);
    }

    /** Writes the table at {@code address}. */
    public void writeTo(TableMemory memory, long address) {
        if (!memory.contains(address, limit() + 1L)) {
            throw new IllegalArgumentException("GDT of " + (limit() + 1) + " bytes at 0x" + Long.toHexString(address)
                    + " is not inside " + memory.describe());
        }
        for (int i = 0; i < words.size(); i++) {
            memory.writeU64(address + 8L * i, words.get(i));
        }
    }

    /** Encodes a legacy 8-byte segment descriptor. */
    static long descriptor(long base, long limit, int type, boolean codeOrData, int dpl, boolean db, boolean l, boolean g) {
        long d = limit & 0xFFFF;
        d |= (base & 0xFFFFFF) << 16;
        d |= (long) (type & 0xF) << 40;
        d |= (codeOrData ? 1L : 0L) << 44;
        d |= (long) (dpl & 3) << 45;
        d |= 1L << 47; // present
        d |= ((limit >>> 16) & 0xF) << 48;
        d |= (l ? 1L : 0L) << 53;
        d |= (db ? 1L : 0L) << 54;
        d |= (g ? 1L : 0L) << 55;
        d |= ((base >>> 24) & 0xFF) << 56;
        return d;
    }
}
