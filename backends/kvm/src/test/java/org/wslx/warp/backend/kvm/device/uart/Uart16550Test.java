package org.wslx.warp.backend.kvm.device.uart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;

import org.junit.jupiter.api.Test;
import org.wslx.warp.backend.kvm.device.RecordingLine;

class Uart16550Test {
    private final RecordingLine irq = new RecordingLine();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Uart16550 uart = new Uart16550(irq, out::write);

    private int in(int offset) {
        byte[] data = {(byte) 0xFF};
        uart.read(Uart16550.COM1, offset, data);
        return data[0] & 0xFF;
    }

    private void out(int offset, int value) {
        uart.write(Uart16550.COM1, offset, new byte[] {(byte) value});
    }

    @Test
    void transmitsToTheOutputAndIsAlwaysReadyForMore() {
        assertEquals(0x60, in(5), "LSR: THR empty and transmitter empty, no data");
        for (byte b : "Linux version".getBytes()) {
            out(0, b);
        }
        assertEquals("Linux version", out.toString());
        assertEquals(0x60, in(5));
        assertFalse(irq.high());
    }

    @Test
    void receivedBytesSetDataReadyAndRaiseTheLineWhenEnabled() {
        uart.receive("hi".getBytes());
        assertEquals(0x61, in(5));
        assertFalse(irq.high(), "receive interrupt not enabled yet");
        out(1, 0x01);
        assertTrue(irq.high());
        assertEquals(0x04, in(2), "IIR: received data available");
        assertEquals('h', in(0));
        assertTrue(irq.high(), "one byte still waiting");
        assertEquals('i', in(0));
        assertFalse(irq.high());
        assertEquals(0x60, in(5));
        assertEquals(0x01, in(2), "IIR: nothing pending");
        assertEquals(0, in(0), "reading an empty receiver gives zero");
    }

    @Test
    void transmitterEmptyInterruptIsRaisedOnEnableAndClearedByReadingIir() {
        out(1, 0x02);
        assertTrue(irq.high());
        assertEquals(0x02, in(2));
        assertFalse(irq.high(), "reading IIR acknowledges THR empty");
        assertEquals(0x01, in(2));
        out(0, 'x');
        assertTrue(irq.high(), "the register is empty again after the byte went out");
        assertEquals(0x02, in(2));
        assertFalse(irq.high());
    }

    @Test
    void fifoControlShowsInIirAndClearsTheReceiver() {
        out(2, 0x07);
        assertEquals(0xC1, in(2));
        uart.receive("abc".getBytes());
        out(2, 0x03);
        assertEquals(0x60, in(5), "FCR bit 1 cleared the receive FIFO");
        out(2, 0x00);
        assertEquals(0x01, in(2));
    }

    @Test
    void divisorLatchIsReachableWithDlabAndDoesNotTransmit() {
        out(3, 0x83);
        out(0, 0x01);
        out(1, 0x00);
        assertEquals(0x01, in(0));
        assertEquals(0x00, in(1));
        out(3, 0x03);
        assertEquals(0x03, in(3));
        assertEquals("", out.toString());
        assertEquals(0, in(1), "IER untouched by the divisor writes");
    }

    @Test
    void scratchAndLoopbackAnswerWhatAn8250DriverProbes() {
        out(7, 0xA5);
        assertEquals(0xA5, in(7));
        assertEquals(0xB0, in(6) & 0xF0, "outside loopback the line looks connected");
        out(4, 0x10 | 0x0A);
        assertEquals(0x90, in(6) & 0xF0, "loopback: RTS to CTS, OUT2 to DCD");
        out(4, 0x1F);
        assertEquals(0xF0, in(6) & 0xF0);
        out(0, 'z');
        assertEquals("", out.toString(), "loopback keeps bytes off the wire");
        assertEquals('z', in(0));
    }

    @Test
    void keepsTheOldestBytesWhenTheReceiveFifoOverflows() {
        byte[] many = new byte[100];
        for (int i = 0; i < many.length; i++) {
            many[i] = (byte) i;
        }
        uart.receive(many);
        for (int i = 0; i < Uart16550.RECEIVE_FIFO; i++) {
            assertEquals(i, in(0));
        }
        assertEquals(0x60, in(5));
    }
}
