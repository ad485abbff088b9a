package org.wslx.warp.backend.kvm.device.virtio;

import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.vmm.bus.InterruptLine;
import org.wslx.warp.vmm.bus.MmioDevice;
import org.wslx.warp.vmm.memory.GuestMemory;

/**
 * The virtio-mmio transport, register layout version 2 (virtio 1.x §4.2.2), in one 0x200-byte
 * slot of the window integration-contracts/control/VIRTIO-MMIO-CHANNEL.md fixes. Register
 * accesses come from vCPU threads; device signals from any thread. The interrupt line is
 * level-triggered and follows InterruptStatus.
 */
public final class VirtioMmioTransport implements MmioDevice {
    public static final long WINDOW = 0xFEB0_0000L;
    public static final long SLOT_SIZE = 0x200;
    public static final int SLOTS = 8;
    /** IOAPIC pin of slot 0; slot n uses FIRST_IRQ + n. */
    public static final int FIRST_IRQ = 5;
    public static final int MAGIC = 0x74726976;
    /** "WARP" read little-endian. */
    public static final int VENDOR = 0x50524157;
    public static final long VIRTIO_F_VERSION_1 = 1L << 32;

    static final int MAGIC_VALUE = 0x000;
    static final int VERSION = 0x004;
    static final int DEVICE_ID = 0x008;
    static final int VENDOR_ID = 0x00C;
    static final int DEVICE_FEATURES = 0x010;
    static final int DEVICE_FEATURES_SEL = 0x014;
    static final int DRIVER_FEATURES = 0x020;
    static final int DRIVER_FEATURES_SEL = 0x024;
    static final int QUEUE_SEL = 0x030;
    static final int QUEUE_NUM_MAX = 0x034;
    static final int QUEUE_NUM = 0x038;
    static final int QUEUE_READY = 0x044;
    static final int QUEUE_NOTIFY = 0x050;
    static final int INTERRUPT_STATUS = 0x060;
    static final int INTERRUPT_ACK = 0x064;
    static final int STATUS = 0x070;
    static final int QUEUE_DESC_LOW = 0x080;
    static final int QUEUE_DESC_HIGH = 0x084;
    static final int QUEUE_DRIVER_LOW = 0x090;
    static final int QUEUE_DRIVER_HIGH = 0x094;
    static final int QUEUE_DEVICE_LOW = 0x0A0;
    static final int QUEUE_DEVICE_HIGH = 0x0A4;
    static final int CONFIG_GENERATION = 0x0FC;
    static final int CONFIG = 0x100;

    public static final int STATUS_ACKNOWLEDGE = 1;
    public static final int STATUS_DRIVER = 2;
    public static final int STATUS_DRIVER_OK = 4;
    public static final int STATUS_FEATURES_OK = 8;
    public static final int STATUS_NEEDS_RESET = 0x40;
    public static final int STATUS_FAILED = 0x80;
    public static final int INTERRUPT_USED_BUFFER = 1;
    public static final int INTERRUPT_CONFIG_CHANGE = 2;

    /** What the driver told us about one queue. */
    private static final class QueueSetup {
        int size;
        boolean ready;
        long descriptors;
        long driverArea;
        long deviceArea;
    }

    private final String name;
    private final GuestMemory memory;
    private final InterruptLine irq;
    private final VirtioDevice device;
    private final QueueSetup[] queues;
    private final Object irqLock = new Object();
    private int interruptStatus;
    private boolean lineHigh;
    private int status;
    private int deviceFeaturesSelect;
    private int driverFeaturesSelect;
    private long driverFeatures;
    private int queueSelect;
    private volatile String failure = "";
    /** Kept apart from status so a device can fail from any thread without the transport's lock. */
    private volatile boolean needsReset;

    public VirtioMmioTransport(String name, GuestMemory memory, InterruptLine irq, VirtioDevice device) {
        this.name = name;
        this.memory = memory;
        this.irq = irq;
        this.device = device;
        this.queues = new QueueSetup[device.queueCount()];
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new QueueSetup();
        }
    }

    /** Why the device last entered its error state, or empty. */
    public String failure() {
        return failure;
    }

    public synchronized int status() {
        return status | (needsReset ? STATUS_NEEDS_RESET : 0);
    }

    @Override
    public void read(long base, long offset, byte[] data) {
        java.util.Arrays.fill(data, (byte) 0);
        if (offset >= CONFIG) {
            device.readConfig((int) (offset - CONFIG), data);
            return;
        }
        if (data.length != 4 || (offset & 3) != 0) {
            return; // virtio-mmio registers are 32-bit; other widths read as zero
        }
        int value = readRegister((int) offset);
        for (int i = 0; i < 4; i++) {
            data[i] = (byte) (value >>> (8 * i));
        }
    }

    private synchronized int readRegister(int offset) {
        QueueSetup q = queueSelect < queues.length ? queues[queueSelect] : null;
        return switch (offset) {
            case MAGIC_VALUE -> MAGIC;
            case VERSION -> 2;
            case DEVICE_ID -> device.deviceId();
            case VENDOR_ID -> VENDOR;
            case DEVICE_FEATURES -> deviceFeaturesSelect > 1 ? 0 : (int) (features() >>> (32 * deviceFeaturesSelect));
            case QUEUE_NUM_MAX -> q == null ? 0 : device.queueSizeMax();
            case QUEUE_READY -> q != null && q.ready ? 1 : 0;
            case INTERRUPT_STATUS -> {
                synchronized (irqLock) {
                    yield interruptStatus;
                }
            }
            case STATUS -> status | (needsReset ? STATUS_NEEDS_RESET : 0);
            case CONFIG_GENERATION -> 0;
            default -> 0;
        };
    }

    private long features() {
        return device.features() | VIRTIO_F_VERSION_1;
    }

    @Override
    public void write(long base, long offset, byte[] data) {
        if (data.length != 4 || (offset & 3) != 0 || offset >= CONFIG) {
            return; // the console's configuration is read-only; narrow register writes are ignored
        }
        int value = 0;
        for (int i = 3; i >= 0; i--) {
            value = value << 8 | (data[i] & 0xFF);
        }
        if (offset == QUEUE_NOTIFY) {
            // Outside the transport's lock: the device may block the queue's other user briefly.
            if (isLive() && value >= 0 && value < queues.length) {
                device.queueNotified(value);
            }
            return;
        }
        if (offset == INTERRUPT_ACK) {
            acknowledge(value);
            return;
        }
        writeRegister((int) offset, value);
    }

    private synchronized boolean isLive() {
        return (status & STATUS_DRIVER_OK) != 0 && !needsReset;
    }

    private synchronized void writeRegister(int offset, int value) {
        QueueSetup q = queueSelect < queues.length ? queues[queueSelect] : null;
        switch (offset) {
            case DEVICE_FEATURES_SEL -> deviceFeaturesSelect = value;
            case DRIVER_FEATURES_SEL -> driverFeaturesSelect = value;
            case DRIVER_FEATURES -> {
                if (driverFeaturesSelect <= 1) {
                    int shift = 32 * driverFeaturesSelect;
                    driverFeatures = (driverFeatures & ~(0xFFFF_FFFFL << shift)) | (Integer.toUnsignedLong(value) << shift);
                }
            }
            case QUEUE_SEL -> queueSelect = value;
            case QUEUE_NUM -> {
                if (q != null) {
                    q.size = value;
                }
            }
            case QUEUE_READY -> {
                if (q != null) {
                    q.ready = value == 1;
                }
            }
            case QUEUE_DESC_LOW -> setLow(q, 0, value);
            case QUEUE_DESC_HIGH -> setHigh(q, 0, value);
            case QUEUE_DRIVER_LOW -> setLow(q, 1, value);
            case QUEUE_DRIVER_HIGH -> setHigh(q, 1, value);
            case QUEUE_DEVICE_LOW -> setLow(q, 2, value);
            case QUEUE_DEVICE_HIGH -> setHigh(q, 2, value);
            case STATUS -> writeStatus(value);
            default -> {
                // Read-only registers and unknown offsets ignore writes.
            }
        }
    }

    private static void setLow(QueueSetup q, int which, int value) {
        if (q != null) {
            set(q, which, (get(q, which) & 0xFFFF_FFFF_0000_0000L) | Integer.toUnsignedLong(value));
        }
    }

    private static void setHigh(QueueSetup q, int which, int value) {
        if (q != null) {
            set(q, which, (get(q, which) & 0xFFFF_FFFFL) | (Integer.toUnsignedLong(value) << 32));
        }
    }

    private static long get(QueueSetup q, int which) {
        return which == 0 ? q.descriptors : which == 1 ? q.driverArea : q.deviceArea;
    }

    private static void set(QueueSetup q, int which, long value) {
        switch (which) {
            case 0 -> q.descriptors = value;
            case 1 -> q.driverArea = value;
            default -> q.deviceArea = value;
        }
    }

    private void writeStatus(int value) {
        if (value == 0) {
            reset();
            return;
        }
        int added = value & ~status;
        if ((added & STATUS_FEATURES_OK) != 0) {
            long unknown = driverFeatures & ~features();
            if ((driverFeatures & VIRTIO_F_VERSION_1) == 0 || unknown != 0) {
                // Refusing FEATURES_OK: the driver reads the status back and gives up.
                value &= ~STATUS_FEATURES_OK;
            }
        }
        status = value & ~STATUS_NEEDS_RESET;
        if ((added & STATUS_DRIVER_OK) != 0 && (status & STATUS_FEATURES_OK) != 0) {
            activate();
        }
    }

    private void activate() {
        List<Virtqueue> ready = new ArrayList<>();
        try {
            for (int i = 0; i < queues.length; i++) {
                QueueSetup q = queues[i];
                if (!q.ready) {
                    throw new VirtqueueException(name + ": queue " + i + " was not made ready before DRIVER_OK");
                }
                if (q.size <= 0 || q.size > device.queueSizeMax() || Integer.bitCount(q.size) != 1) {
                    throw new VirtqueueException(name + ": queue " + i + " has size " + q.size + "; it must be a power of two up to "
                            + device.queueSizeMax());
                }
                ready.add(new Virtqueue(memory, name + " queue " + i, q.size, q.descriptors, q.driverArea, q.deviceArea));
            }
        } catch (VirtqueueException e) {
            fail(e.getMessage());
            return;
        }
        device.activate(ready, new DeviceSignals() {
            @Override
            public void usedBuffers() {
                interrupt(INTERRUPT_USED_BUFFER);
            }

            @Override
            public void deviceFailed(String reason) {
                fail(reason);
            }
        });
    }

    private void reset() {
        device.reset();
        status = 0;
        needsReset = false;
        driverFeatures = 0;
        deviceFeaturesSelect = 0;
        driverFeaturesSelect = 0;
        queueSelect = 0;
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new QueueSetup();
        }
        synchronized (irqLock) {
            interruptStatus = 0;
            updateLine();
        }
    }

    /** The device-error state of virtio 1.x §2.1.2: DEVICE_NEEDS_RESET and a configuration-change interrupt. */
    private void fail(String reason) {
        failure = reason;
        needsReset = true;
        interrupt(INTERRUPT_CONFIG_CHANGE);
    }

    private void interrupt(int cause) {
        synchronized (irqLock) {
            interruptStatus |= cause;
            updateLine();
        }
    }

    private void acknowledge(int causes) {
        synchronized (irqLock) {
            interruptStatus &= ~causes;
            updateLine();
        }
    }

    private void updateLine() {
        boolean high = interruptStatus != 0;
        if (high != lineHigh) {
            lineHigh = high;
            if (high) {
                irq.raise();
            } else {
                irq.lower();
            }
        }
    }
}
