package org.wslx.warp.vmm.memory.mapped;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.wslx.warp.vmm.kvm.bindings.HostFile;
import org.wslx.warp.vmm.kvm.bindings.HostMapping;
import org.wslx.warp.vmm.kvm.bindings.LibC;
import org.wslx.warp.vmm.kvm.bindings.NativeException;
import org.wslx.warp.vmm.memory.GuestAddressException;
import org.wslx.warp.vmm.memory.GuestMemory;
import org.wslx.warp.vmm.memory.GuestMemoryException;
import org.wslx.warp.vmm.memory.GuestRegion;
import org.wslx.warp.vmm.memory.MemoryUsage;

/**
 * {@link GuestMemory} over one host file, each region mapped from consecutive file offsets. The host address of
 * a region is available to the KVM wrappers in this bundle ({@link #hostAddress(int)}); this package is not
 * exported, so the addresses never leave the bundle.
 */
public final class MappedGuestMemory implements GuestMemory {
    private final String name;
    private final List<GuestRegion> regions;
    private final RegionIndex index;
    private final HostFile file;
    private final Path createdFile;
    private final HostMapping[] mappings;
    private final int pageSize;
    private boolean snapshotTaken;

    private MappedGuestMemory(String name, List<GuestRegion> regions, HostFile file, Path createdFile,
            HostMapping[] mappings) {
        this.name = name;
        this.regions = List.copyOf(regions);
        this.index = new RegionIndex(this.regions);
        this.file = file;
        this.createdFile = createdFile;
        this.mappings = mappings;
        this.pageSize = LibC.getpagesize();
    }

    public static MappedGuestMemory create(String name, List<GuestRegion> regions, Path directory) {
        long total = 0;
        for (GuestRegion r : regions) {
            total = Math.addExact(total, r.size());
        }
        Path created = null;
        HostFile file;
        try {
            if (directory == null) {
                file = HostFile.memfd(name, total);
            } else {
                if (!Files.isDirectory(directory)) {
                    throw new GuestMemoryException("guest memory '" + name + "': directory " + directory + " does not exist");
                }
                created = directory.resolve(name + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".mem");
                file = HostFile.create(created, total);
            }
        } catch (NativeException | ArithmeticException e) {
            throw new GuestMemoryException("guest memory '" + name + "' of " + total + " bytes: cannot create its backing file", e);
        }
        HostMapping[] mappings = new HostMapping[regions.size()];
        long offset = 0;
        try {
            for (int i = 0; i < regions.size(); i++) {
                GuestRegion r = regions.get(i);
                mappings[i] = HostMapping.mapShared("guest memory '" + name + "' region " + r, file.fd(), offset, r.size());
                offset += r.size();
            }
        } catch (NativeException e) {
            for (HostMapping m : mappings) {
                if (m != null) {
                    m.close();
                }
            }
            file.close();
            deleteQuietly(created);
            throw new GuestMemoryException("guest memory '" + name + "': cannot map its regions", e);
        }
        return new MappedGuestMemory(name, regions, file, created, mappings);
    }

    /** The host address of region {@code i}; for registering KVM memory slots only. */
    public long hostAddress(int i) {
        return mappings[i].address();
    }

    @Override
    public List<GuestRegion> regions() {
        return regions;
    }

    @Override
    public boolean contains(long address, long length) {
        return index.find(address, length) >= 0;
    }

    @Override
    public Optional<Path> backingFile() {
        return Optional.ofNullable(createdFile);
    }

    private int region(long address, long length) {
        int i = index.find(address, length);
        if (i < 0) {
            throw new GuestAddressException(address, length, regions);
        }
        return i;
    }

    private long offset(int region, long address) {
        return address - regions.get(region).base();
    }

    @Override
    public void read(long address, byte[] destination, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, destination.length);
        int r = region(address, length);
        mappings[r].read(offset(r, address), destination, offset, length);
    }

    @Override
    public void read(long address, ByteBuffer destination) {
        int r = region(address, destination.remaining());
        mappings[r].read(offset(r, address), destination);
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, source.length);
        int r = region(address, length);
        mappings[r].write(offset(r, address), source, offset, length);
    }

    @Override
    public void write(long address, ByteBuffer source) {
        int r = region(address, source.remaining());
        mappings[r].write(offset(r, address), source);
    }

    @Override
    public void fill(long address, long length, byte value) {
        int r = region(address, length);
        mappings[r].fill(offset(r, address), length, value);
    }

    @Override
    public int readU8(long address) {
        int r = region(address, 1);
        return mappings[r].getByte(offset(r, address)) & 0xFF;
    }

    @Override
    public int readU16(long address) {
        int r = region(address, 2);
        return mappings[r].getShort(offset(r, address)) & 0xFFFF;
    }

    @Override
    public long readU32(long address) {
        int r = region(address, 4);
        return mappings[r].getInt(offset(r, address)) & 0xFFFF_FFFFL;
    }

    @Override
    public long readU64(long address) {
        int r = region(address, 8);
        return mappings[r].getLong(offset(r, address));
    }

    @Override
    public void writeU8(long address, int value) {
        int r = region(address, 1);
        mappings[r].setByte(offset(r, address), (byte) value);
    }

    @Override
    public void writeU16(long address, int value) {
        int r = region(address, 2);
        mappings[r].setShort(offset(r, address), (short) value);
    }

    @Override
    public void writeU32(long address, long value) {
        int r = region(address, 4);
        mappings[r].setInt(offset(r, address), (int) value);
    }

    @Override
    public void writeU64(long address, long value) {
        int r = region(address, 8);
        mappings[r].setLong(offset(r, address), value);
    }

    @Override
    public synchronized void snapshot() {
        try {
            long fileOffset = 0;
            for (HostMapping m : mappings) {
                if (m.isPrivateCopy()) {
                    // Fold this mapping's private pages into the file, then let it read the file again.
                    file.writeFrom(m, 0, m.size(), fileOffset);
                    m.dropPrivatePages();
                } else {
                    m.remapPrivate();
                }
                fileOffset += m.size();
            }
        } catch (NativeException e) {
            throw new GuestMemoryException("guest memory '" + name + "': cannot take a snapshot", e);
        }
        snapshotTaken = true;
    }

    @Override
    public synchronized boolean hasSnapshot() {
        return snapshotTaken;
    }

    @Override
    public synchronized void resetToSnapshot() {
        if (!snapshotTaken) {
            throw new IllegalStateException("guest memory '" + name + "': cannot reset, no snapshot was taken");
        }
        try {
            for (HostMapping m : mappings) {
                m.dropPrivatePages();
            }
        } catch (NativeException e) {
            throw new GuestMemoryException("guest memory '" + name + "': cannot reset to its snapshot", e);
        }
    }

    @Override
    public MemoryUsage usage() {
        long mapped = 0;
        long resident = 0;
        long privatePages = 0;
        for (HostMapping m : mappings) {
            mapped += m.size() / pageSize;
            resident += m.residentPages(pageSize);
            if (privatePages >= 0 && m.isPrivateCopy()) {
                long p = m.privatePages(pageSize);
                privatePages = p < 0 ? -1 : privatePages + p;
            }
        }
        return new MemoryUsage(mapped, resident, privatePages, pageSize);
    }

    @Override
    public synchronized void close() {
        for (HostMapping m : mappings) {
            m.close();
        }
        file.close();
        deleteQuietly(createdFile);
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (java.io.IOException e) {
                // The file was ours and is unmapped; a leftover is harmless and named after the memory.
            }
        }
    }

    @Override
    public String toString() {
        return "guest memory '" + name + "' " + regions;
    }
}
