package org.wslx.warp.vmm.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.wslx.warp.vmm.kvm.bindings.KvmFpu;
import org.wslx.warp.vmm.kvm.bindings.KvmRegs;
import org.wslx.warp.vmm.kvm.bindings.KvmSregs;

/** The offset-based codecs against the JNA structures that mirror the C declarations field by field. */
class RegisterCodecTest {
    @Test
    void regsEncodeToTheBytesOfTheJnaStructure() {
        Regs regs = new Regs().rax(1).rbx(2).rcx(3).rdx(4).rsi(5).rdi(6).rsp(7).rbp(8).r8(9).r9(10).r10(11).r11(12)
                .r12(13).r13(14).r14(15).r15(0x8000_0000_0000_0010L).rip(0x200000).rflags(0x202);
        ByteBuffer encoded = ByteBuffer.allocate(RegsCodec.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        RegsCodec.encode(regs, encoded);

        KvmRegs reference = new KvmRegs();
        assertEquals(KvmRegs.SIZE, RegsCodec.SIZE);
        reference.getPointer().write(0, encoded.array(), 0, RegsCodec.SIZE);
        reference.read();
        assertEquals(1, reference.rax);
        assertEquals(8, reference.rbp);
        assertEquals(9, reference.r8);
        assertEquals(0x8000_0000_0000_0010L, reference.r15);
        assertEquals(0x200000, reference.rip);
        assertEquals(0x202, reference.rflags);

        Regs decoded = RegsCodec.decode(ByteBuffer.wrap(encoded.array()).order(ByteOrder.LITTLE_ENDIAN));
        ByteBuffer again = ByteBuffer.allocate(RegsCodec.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        RegsCodec.encode(decoded, again);
        assertArrayEquals(encoded.array(), again.array());
    }

    @Test
    void sregsEncodeToTheBytesOfTheJnaStructure() {
        Sregs sregs = new Sregs()
                .cs(new Segment(0x1000, 0xfffff, 0x2b, 0xb, true, 3, false, true, true, true, false, false))
                .ds(new Segment(0x2000, 0xffff, 0x23, 0x3, true, 3, true, true, false, true, true, false))
                .es(new Segment(3, 4, 5, 6, false, 1, false, false, false, false, false, true))
                .fs(new Segment(0x7fff_0000_0000L, -1, 0xffff, 0xff, true, 2, true, true, true, true, true, true))
                .gs(new Segment(8, 9, 10, 11, true, 0, false, true, false, true, false, true))
                .ss(new Segment(12, 13, 14, 15, true, 3, true, false, true, false, true, false))
                .tr(new Segment(0x1080, 0x2067, 0x30, 0xb, true, 0, false, false, false, false, false, false))
                .ldt(new Segment(0, 0xffff, 0, 2, true, 0, false, false, false, false, false, true))
                .gdt(new DescriptorTable(0x1000, 0x37)).idt(new DescriptorTable(0x1800, 0xfff))
                .cr0(0x80050033L).cr2(0xdead).cr3(0x4000).cr4(0x620).cr8(5).efer(0xd00).apicBase(0xfee00900L)
                .interruptBitmap(new long[] {1, 2, 3, 0x8000_0000_0000_0000L});
        ByteBuffer encoded = ByteBuffer.allocate(SregsCodec.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        SregsCodec.encode(sregs, encoded);

        KvmSregs reference = new KvmSregs();
        reference.getPointer().write(0, encoded.array(), 0, SregsCodec.SIZE);
        reference.read();
        assertEquals(0x2b, reference.cs.selector);
        assertEquals(-1, reference.fs.limit);
        assertEquals(1, reference.fs.unusable);
        assertEquals(0x37, reference.gdt.limit);
        assertEquals(0xfee00900L, reference.apic_base);
        assertEquals(0x8000_0000_0000_0000L, reference.interrupt_bitmap[3]);
        reference.write();
        assertArrayEquals(encoded.array(), reference.getPointer().getByteArray(0, SregsCodec.SIZE));

        Sregs decoded = SregsCodec.decode(ByteBuffer.wrap(encoded.array()).order(ByteOrder.LITTLE_ENDIAN));
        assertEquals(sregs.fs(), decoded.fs());
        assertEquals(sregs.ldt(), decoded.ldt());
        assertEquals(sregs.idt(), decoded.idt());
        assertEquals(sregs.apicBase(), decoded.apicBase());
        assertArrayEquals(sregs.interruptBitmap(), decoded.interruptBitmap());
    }

    @Test
    void fpuEncodesToTheBytesOfTheJnaStructure() {
        byte[] fpr = new byte[128];
        byte[] xmm = new byte[256];
        for (int i = 0; i < xmm.length; i++) {
            xmm[i] = (byte) i;
            fpr[i / 2] = (byte) (i + 1);
        }
        FpuState fpu = new FpuState(fpr, 0x27f, 0x3800, 0x81, 0x7ff, 0x1234, 0x5678, xmm, 0x7f80);
        ByteBuffer encoded = ByteBuffer.allocate(KvmFpu.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        FpuCodec.encode(fpu, encoded);

        KvmFpu reference = new KvmFpu();
        reference.getPointer().write(0, encoded.array(), 0, KvmFpu.SIZE);
        reference.read();
        assertEquals(0x27f, reference.fcw);
        assertEquals((byte) 0x81, reference.ftwx);
        assertEquals(0x5678, reference.last_dp);
        assertEquals(0x7f80, reference.mxcsr);
        assertArrayEquals(xmm, reference.xmm);
        assertEquals(fpu, FpuCodec.decode(ByteBuffer.wrap(encoded.array()).order(ByteOrder.LITTLE_ENDIAN)));
    }
}
