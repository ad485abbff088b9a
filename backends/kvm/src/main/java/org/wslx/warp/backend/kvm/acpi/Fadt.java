package org.wslx.warp.backend.kvm.acpi;

/**
 * The Fixed ACPI Description Table, ACPI 6.x layout (revision 6, 276 bytes), for a
 * hardware-reduced platform (§4.1): no SCI, no PM1/GPE blocks, no FACS. What remains is the DSDT
 * pointer, the boot architecture flags (no 8042, no VGA, no CMOS RTC: WARP's monitor has none of
 * them), the reset register and the sleep control/status registers through which an OS enters
 * S5 (power off). Linux takes the whole table as hardware-reduced from the flag alone, and then
 * neither probes the PIT and PIC nor needs a PM timer.
 */
final class Fadt {
    static final int REVISION = 6;
    static final int MINOR_REVISION = 3;
    static final int LENGTH = 276;
    static final int DSDT_OFFSET = 40;
    static final int IAPC_BOOT_ARCH_OFFSET = 109;
    static final int FLAGS_OFFSET = 112;
    static final int RESET_REGISTER_OFFSET = 116;
    static final int RESET_VALUE_OFFSET = 128;
    static final int MINOR_VERSION_OFFSET = 131;
    static final int X_DSDT_OFFSET = 140;
    static final int SLEEP_CONTROL_OFFSET = 244;
    static final int SLEEP_STATUS_OFFSET = 256;
    static final int HYPERVISOR_VENDOR_OFFSET = 268;

    /** IAPC_BOOT_ARCH: VGA Not Present (bit 2), CMOS RTC Not Present (bit 5); bit 1 (8042) clear. */
    static final int BOOT_ARCH = 1 << 2 | 1 << 5;
    static final int FLAG_RESET_REG_SUP = 1 << 10;
    static final int FLAG_HW_REDUCED_ACPI = 1 << 20;
    /** Generic Address Structure: address space 1 is system IO. */
    static final int SYSTEM_IO = 1;
    /** GAS access size 1: byte access. */
    static final int BYTE_ACCESS = 1;

    private Fadt() {
    }

    static byte[] of(long dsdtAddress, AcpiPlatform.PowerRegisters power) {
        if (dsdtAddress >>> 32 != 0) {
            throw new IllegalArgumentException("ACPI tables: the DSDT at 0x" + Long.toHexString(dsdtAddress) + " must lie below 4 GiB");
        }
        ByteWriter body = new ByteWriter()
                .u32(0)                      // FIRMWARE_CTRL: hardware-reduced, no FACS
                .u32(dsdtAddress)            // DSDT
                .u8(0)                       // reserved
                .u8(0)                       // Preferred_PM_Profile: unspecified
                .u16(0)                      // SCI_INT: no SCI
                .u32(0)                      // SMI_CMD: no SMM
                .u8(0).u8(0).u8(0).u8(0);    // ACPI_ENABLE, ACPI_DISABLE, S4BIOS_REQ, PSTATE_CNT
        for (int i = 0; i < 8; i++) {
            body.u32(0);                     // PM1a/b event and control, PM2 control, PM timer, GPE0, GPE1 blocks
        }
        body.u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0) // their lengths, GPE1_BASE, CST_CNT
                .u16(0).u16(0)               // P_LVL2_LAT, P_LVL3_LAT
                .u16(0).u16(0)               // FLUSH_SIZE, FLUSH_STRIDE
                .u8(0).u8(0)                 // DUTY_OFFSET, DUTY_WIDTH
                .u8(0).u8(0).u8(0)           // DAY_ALRM, MON_ALRM, CENTURY
                .u16(BOOT_ARCH)
                .u8(0)
                .u32(FLAG_HW_REDUCED_ACPI | FLAG_RESET_REG_SUP);
        ioRegister(body, power.resetPort());
        body.u8(power.resetValue())
                .u16(0)                      // ARM_BOOT_ARCH
                .u8(MINOR_REVISION)
                .u64(0)                      // X_FIRMWARE_CTRL
                .u64(dsdtAddress);           // X_DSDT
        for (int i = 0; i < 8; i++) {
            body.bytes(new byte[12]);        // X_PM1a/b event and control, X_PM2, X_PM timer, X_GPE0, X_GPE1: absent
        }
        ioRegister(body, power.sleepControlPort());
        ioRegister(body, power.sleepStatusPort());
        body.ascii("WARP", 8);               // hypervisor vendor identity
        byte[] table = SystemDescriptionTable.of("FACP", REVISION, body.toArray());
        if (table.length != LENGTH) {
            throw new IllegalStateException("FADT is " + table.length + " bytes instead of " + LENGTH);
        }
        return table;
    }

    /** A Generic Address Structure for an 8-bit IO port. */
    private static void ioRegister(ByteWriter out, int port) {
        out.u8(SYSTEM_IO).u8(8).u8(0).u8(BYTE_ACCESS).u64(port);
    }
}
