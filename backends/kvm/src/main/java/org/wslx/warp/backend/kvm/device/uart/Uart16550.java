package org.wslx.warp.backend.kvm.device.uart;

import java.util.ArrayDeque;

import org.wslx.warp.vmm.bus.InterruptLine;
import org.wslx.warp.vmm.bus.PortIoDevice;

/**
 * A 16550A UART at eight consecutive ports (COM1: 0x3F8, IRQ 4), as far as a console needs:
 * transmit is instant (the holding register is always empty again), receive has a FIFO the host
 * fills with {@link #receive}, and the registers read back what an 8250-family driver probes for
 * (scratch, loopback modem lines, FIFO bits in IIR). The interrupt line is level-triggered: high
 * while an enabled condition is pending.
 */
public final class Uart16550 implements PortIoDevice {
    public static final int COM1 = 0x3F8;
    public static final int COM1_IRQ = 4;
    public static final int PORTS = 8;
    static final int RECEIVE_FIFO = 64;

    static final int DATA = 0;
    static final int IER = 1;
    static final int IIR_FCR = 2;
    static final int LCR = 3;
    static final int MCR = 4;
    static final int LSR = 5;
    static final int MSR = 6;
    static final int SCR = 7;

    static final int IER_RECEIVED = 0x01;
    static final int IER_THR_EMPTY = 0x02;
    static final int IIR_NONE = 0x01;
    static final int IIR_THR_EMPTY = 0x02;
    static final int IIR_RECEIVED = 0x04;
    static final int IIR_FIFO_ENABLED = 0xC0;
    static final int FCR_ENABLE = 0x01;
    static final int FCR_CLEAR_RECEIVE = 0x02;
    static final int LCR_DLAB = 0x80;
    static final int MCR_LOOPBACK = 0x10;
    static final int LSR_DATA_READY = 0x01;
    static final int LSR_THR_EMPTY = 0x20;
    static final int LSR_TRANSMITTER_EMPTY = 0x40;
    /** Outside loopback the line looks connected: carrier detect, data set ready, clear to send. */
    static final int MSR_CONNECTED = 0xB0;

    private final InterruptLine irq;
    private final UartOutput output;
    private final ArrayDeque<Byte> received = new ArrayDeque<>();
    private int ier;
    private int lcr = 0x03;
    private int mcr = 0x08;
    private int scratch;
    private int divisor = 12; // 9600 baud, what firmware leaves
    private boolean fifoEnabled;
    private boolean thrEmptyPending;
    private boolean lineHigh;

    public Uart16550(InterruptLine irq, UartOutput output) {
        this.irq = irq;
        this.output = output;
    }

    /** Bytes typed at the console; the oldest are kept when the FIFO overflows, as the hardware does. */
    public synchronized void receive(byte[] bytes) {
        for (byte b : bytes) {
            if (received.size() < RECEIVE_FIFO) {
                received.add(b);
            }
        }
        updateInterrupt();
    }

    @Override
    public synchronized void read(int base, int offset, byte[] data) {
        data[0] = (byte) readRegister(offset);
        for (int i = 1; i < data.length; i++) {
            data[i] = 0;
        }
        updateInterrupt();
    }

    @Override
    public synchronized void write(int base, int offset, byte[] data) {
        writeRegister(offset, data[0] & 0xFF);
        updateInterrupt();
    }

    private int readRegister(int offset) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (offset) {
            case DATA:
                if (dlab) {
                    return divisor & 0xFF;
                }
                Byte b = received.poll();
                return b == null ? 0 : b & 0xFF;
            case IER:
                return dlab ? divisor >>> 8 : ier;
            case IIR_FCR:
                return identifyInterrupt() | (fifoEnabled ? IIR_FIFO_ENABLED : 0);
            case LCR:
                return lcr;
            case MCR:
                return mcr;
            case LSR:
                return LSR_THR_EMPTY | LSR_TRANSMITTER_EMPTY | (received.isEmpty() ? 0 : LSR_DATA_READY);
            case MSR:
                return (mcr & MCR_LOOPBACK) != 0 ? loopbackModemStatus() : MSR_CONNECTED;
            case SCR:
                return scratch;
            default:
                return 0xFF;
        }
    }

    /** Reading IIR acknowledges a transmitter-empty interrupt when that is the one it reports. */
    private int identifyInterrupt() {
        if ((ier & IER_RECEIVED) != 0 && !received.isEmpty()) {
            return IIR_RECEIVED;
        }
        if ((ier & IER_THR_EMPTY) != 0 && thrEmptyPending) {
            thrEmptyPending = false;
            return IIR_THR_EMPTY;
        }
        return IIR_NONE;
    }

    /** In loopback the modem outputs feed the inputs: RTS to CTS, DTR to DSR, OUT1 to RI, OUT2 to DCD. */
    private int loopbackModemStatus() {
        return ((mcr & 0x02) << 3) | ((mcr & 0x01) << 5) | ((mcr & 0x04) << 4) | ((mcr & 0x08) << 4);
    }

    private void writeRegister(int offset, int value) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (offset) {
            case DATA:
                if (dlab) {
                    divisor = (divisor & 0xFF00) | value;
                } else if ((mcr & MCR_LOOPBACK) != 0) {
                    if (received.size() < RECEIVE_FIFO) {
                        received.add((byte) value);
                    }
                    thrEmptyPending = true;
                } else {
                    output.transmit(value);
                    thrEmptyPending = true;
                }
                break;
            case IER:
                if (dlab) {
                    divisor = (divisor & 0xFF) | value << 8;
                } else {
                    // Enabling the transmitter-empty interrupt while the register is empty raises it at once.
                    if ((value & IER_THR_EMPTY) != 0 && (ier & IER_THR_EMPTY) == 0) {
                        thrEmptyPending = true;
                    }
                    ier = value & 0x0F;
                }
                break;
            case IIR_FCR:
                fifoEnabled = (value & FCR_ENABLE) != 0;
                if ((value & FCR_CLEAR_RECEIVE) != 0) {
                    received.clear();
                }
                break;
            case LCR:
                lcr = value;
                break;
            case MCR:
                mcr = value & 0x1F;
                break;
            case SCR:
                scratch = value;
                break;
            default:
                // LSR and MSR are read-only; writes to them are ignored, as on the chip.
        }
    }

    private void updateInterrupt() {
        boolean pending = ((ier & IER_RECEIVED) != 0 && !received.isEmpty()) || ((ier & IER_THR_EMPTY) != 0 && thrEmptyPending);
        if (pending != lineHigh) {
            lineHigh = pending;
            if (pending) {
                irq.raise();
            } else {
                irq.lower();
            }
        }
    }
}
