package org.wslx.warp.backend.kvm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Takes the ELF vmlinux out of a bzImage, as the kernel's scripts/extract-vmlinux does: the setup
 * header's payload_offset / payload_length (protocol 2.08+) locate the compressed kernel after the
 * setup sectors; its first bytes say how it is compressed. Debian's cloud kernel uses LZ4's legacy
 * frame, decoded here; gzip through the JDK.
 */
final class VmlinuxExtractor {
    private static final int LZ4_LEGACY_MAGIC = 0x184C2102;
    private static final int LZ4_LEGACY_BLOCK = 8 << 20;

    private VmlinuxExtractor() {
    }

    static Path extract(Path bzImage, Path target) throws IOException {
        byte[] image = Files.readAllBytes(bzImage);
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int setupSectors = image[0x1F1] & 0xFF;
        int payloadOffset = b.getInt(0x248);
        int payloadLength = b.getInt(0x24C);
        int start = (setupSectors == 0 ? 4 : setupSectors) * 512 + 512 + payloadOffset;
        byte[] payload = Arrays.copyOfRange(image, start, start + payloadLength);
        byte[] vmlinux;
        if (payload.length > 4 && ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == LZ4_LEGACY_MAGIC) {
            vmlinux = lz4Legacy(payload);
        } else if (payload.length > 2 && (payload[0] & 0xFF) == 0x1F && (payload[1] & 0xFF) == 0x8B) {
            try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(payload))) {
                vmlinux = in.readAllBytes();
            }
        } else {
            throw new IOException("kernel '" + bzImage + "': payload compressed in a format this extractor does not read (first bytes "
                    + String.format("%02x %02x %02x %02x", payload[0], payload[1], payload[2], payload[3]) + ")");
        }
        if (vmlinux.length < 4 || vmlinux[0] != 0x7F || vmlinux[1] != 'E') {
            throw new IOException("kernel '" + bzImage + "': the decompressed payload is not an ELF file");
        }
        return Files.write(target, vmlinux);
    }

    /** LZ4 legacy frame: magic, then blocks of (u32 compressed size, LZ4 block), each up to 8 MiB decompressed. */
    static byte[] lz4Legacy(byte[] in) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length * 3);
        byte[] block = new byte[LZ4_LEGACY_BLOCK];
        int at = 4;
        // The kernel's build appends the decompressed size (4 bytes) after the frame.
        while (at + 4 <= in.length - 4) {
            int size = b.getInt(at);
            if (size == LZ4_LEGACY_MAGIC) {
                at += 4;
                continue;
            }
            at += 4;
            if (size <= 0 || at + size > in.length) {
                break;
            }
            int n = lz4Block(in, at, size, block);
            out.write(block, 0, n);
            at += size;
        }
        return out.toByteArray();
    }

    private static int lz4Block(byte[] in, int from, int length, byte[] out) throws IOException {
        int ip = from;
        int end = from + length;
        int op = 0;
        while (ip < end) {
            int token = in[ip++] & 0xFF;
            int literals = token >>> 4;
            if (literals == 15) {
                int more;
                do {
                    more = in[ip++] & 0xFF;
                    literals += more;
                } while (more == 255);
            }
            System.arraycopy(in, ip, out, op, literals);
            ip += literals;
            op += literals;
            if (ip >= end) {
                break; // the last sequence has literals only
            }
            int offset = (in[ip] & 0xFF) | (in[ip + 1] & 0xFF) << 8;
            ip += 2;
            if (offset == 0 || offset > op) {
                throw new IOException("LZ4 block: match offset " + offset + " before the start of the output");
            }
            int match = (token & 0x0F);
            if (match == 15) {
                int more;
                do {
                    more = in[ip++] & 0xFF;
                    match += more;
                } while (more == 255);
            }
            match += 4;
            int source = op - offset;
            for (int i = 0; i < match; i++) {
                out[op++] = out[source + i];
            }
        }
        return op;
    }
}
