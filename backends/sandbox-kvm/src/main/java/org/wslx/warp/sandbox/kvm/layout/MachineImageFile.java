package org.wslx.warp.sandbox.kvm.layout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a {@link MachineImage} as a flat little-endian file, so programs outside the JVM (the
 * benchmark's C peer and its QEMU wrapper) start exactly the same machine:
 *
 * <pre>
 * "WSBXIMG1"
 * u64 memory, entry, stack_top, input_base, input_capacity, output_base, output_capacity
 * u64 cr0, cr3, cr4, efer, gdt_base, idt_base, tss_base
 * u32 gdt_limit, idt_limit, tss_limit, chunk_count, function_count, done_port
 * chunk_count x { u64 address, u64 length, length bytes }
 * function_count x { u32 name_length, name bytes, u64 address }
 * </pre>
 */
public final class MachineImageFile {
    public static final String MAGIC = "WSBXIMG1";

    private MachineImageFile() {
    }

    public static void write(MachineImage image, Path file) throws IOException {
        Files.write(file, bytes(image));
    }

    public static byte[] bytes(MachineImage image) {
        SandboxLayout layout = image.layout();
        LongModeEntry cpu = image.cpu();
        ByteBuffer header = ByteBuffer.allocate(8 + 14 * 8 + 6 * 4).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC.getBytes(StandardCharsets.US_ASCII));
        header.putLong(layout.memoryBytes()).putLong(image.entry()).putLong(layout.stackTop())
                .putLong(layout.inputBase()).putLong(layout.inputCapacity()).putLong(layout.outputBase())
                .putLong(layout.outputCapacity());
        header.putLong(cpu.cr0()).putLong(cpu.cr3()).putLong(cpu.cr4()).putLong(cpu.efer()).putLong(cpu.gdtBase())
                .putLong(cpu.idtBase()).putLong(cpu.tssBase());
        header.putInt(cpu.gdtLimit()).putInt(cpu.idtLimit()).putInt(cpu.tssLimit()).putInt(image.chunks().size())
                .putInt(image.functions().size()).putInt(SandboxLayout.DONE_PORT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        for (MemoryChunk chunk : image.chunks()) {
            out.writeBytes(le(16).putLong(chunk.address()).putLong(chunk.bytes().length).array());
            out.writeBytes(chunk.bytes());
        }
        for (Map.Entry<String, Long> function : image.functions().entrySet()) {
            byte[] name = function.getKey().getBytes(StandardCharsets.UTF_8);
            out.writeBytes(le(4).putInt(name.length).array());
            out.writeBytes(name);
            out.writeBytes(le(8).putLong(function.getValue()).array());
        }
        return out.toByteArray();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
