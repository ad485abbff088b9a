package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * {@code struct kvm_irqchip} (520 bytes: {@code chip_id}, {@code pad}, a 512-byte union) for
 * {@code KVM_GET_IRQCHIP} / {@code KVM_SET_IRQCHIP}, exchanged as raw bytes at the C offsets. The offsets
 * below are those of {@code struct kvm_pic_state} (16 single-byte fields) inside it, for the two 8259s.
 */
public final class KvmIrqchip {
    public static final int SIZE = 520;
    /** {@code chip_id} values. */
    public static final int PIC_MASTER = 0;
    public static final int PIC_SLAVE = 1;

    public static final int OFFSET_CHIP_ID = 0;
    /** kvm_pic_state, starting at offset 8: last_irr, irr, imr, isr, priority_add, irq_base, read_reg_select, ... */
    public static final int PIC_IRR = 9;
    public static final int PIC_IMR = 10;
    public static final int PIC_ISR = 11;
    public static final int PIC_PRIORITY_ADD = 12;
    public static final int PIC_IRQ_BASE = 13;
    public static final int PIC_READ_REG_SELECT = 14;
    public static final int PIC_POLL = 15;
    public static final int PIC_SPECIAL_MASK = 16;
    public static final int PIC_INIT_STATE = 17;
    public static final int PIC_AUTO_EOI = 18;
    public static final int PIC_ROTATE_ON_AUTO_EOI = 19;
    public static final int PIC_SPECIAL_FULLY_NESTED_MODE = 20;
    public static final int PIC_INIT4 = 21;
    public static final int PIC_ELCR = 22;

    private KvmIrqchip() {
    }

    /** {@code KVM_GET_IRQCHIP}: the state of chip {@code chip}, {@link #SIZE} bytes. */
    public static byte[] get(int vmFd, int chip) {
        try (Memory buffer = new Memory(SIZE)) {
            buffer.clear();
            buffer.setInt(OFFSET_CHIP_ID, chip);
            try {
                // NATIVE: the buffer holds exactly sizeof(struct kvm_irqchip), the size the request encodes; the kernel
                // reads chip_id and writes the union during the call and keeps no reference.
                LibC.ioctl(vmFd, KvmConstants.KVM_GET_IRQCHIP, buffer);
            } catch (LastErrorException e) {
                throw new NativeException("KVM_GET_IRQCHIP(" + chip + ")", e);
            }
            return buffer.getByteArray(0, SIZE);
        }
    }

    /** {@code KVM_SET_IRQCHIP}: loads {@code state} ({@link #SIZE} bytes, chip id included) into the chip it names. */
    public static void set(int vmFd, byte[] state) {
        if (state.length != SIZE) {
            throw new IllegalArgumentException("kvm_irqchip has " + SIZE + " bytes, not " + state.length);
        }
        try (Memory buffer = new Memory(SIZE)) {
            buffer.write(0, state, 0, SIZE);
            try {
                // NATIVE: the buffer holds exactly sizeof(struct kvm_irqchip), fully initialised from state; the kernel
                // copies it in during the call and keeps no reference.
                LibC.ioctl(vmFd, KvmConstants.KVM_SET_IRQCHIP, buffer);
            } catch (LastErrorException e) {
                throw new NativeException("KVM_SET_IRQCHIP(" + state[OFFSET_CHIP_ID] + ")", e);
            }
        }
    }
}
