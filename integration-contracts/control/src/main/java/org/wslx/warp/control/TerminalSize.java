package org.wslx.warp.control;

/** The size of a pseudo-terminal, in character cells. */
public record TerminalSize(int rows, int columns) {
    public TerminalSize {
        if (rows < 0 || rows > 0xFFFF || columns < 0 || columns > 0xFFFF) {
            throw new IllegalArgumentException("terminal size " + rows + "x" + columns + " is out of range 0..65535");
        }
    }
}
