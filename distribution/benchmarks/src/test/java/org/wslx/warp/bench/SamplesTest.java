package org.wslx.warp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SamplesTest {
    private static Samples of(long... millis) {
        Samples samples = new Samples("boot");
        for (long m : millis) {
            samples.add(m * 1_000_000);
        }
        return samples;
    }

    @Test
    void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
        Samples s = of(900, 100, 300, 5000, 200);
        assertEquals(300, s.medianMillis(), 1e-9);
        assertEquals(100, s.minMillis(), 1e-9);
        assertEquals(5000, s.maxMillis(), 1e-9);
        assertEquals(5, s.rounds());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertEquals(2.5, of(4, 1, 3, 2).medianMillis(), 1e-9);
    }

    @Test
    void percentilesComeFromTheSortedRounds() {
        Samples s = of(10, 1, 9, 2, 8, 3, 7, 4, 6, 5);
        assertEquals(6_000_000, s.percentileNanos(50));
        assertEquals(10_000_000, s.percentileNanos(90));
        assertEquals(1_000_000, s.percentileNanos(0));
        assertEquals(10_000_000, s.percentileNanos(100));
        assertEquals(5_500_000, s.medianNanos(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> s.percentileNanos(101));
        IllegalStateException empty = assertThrows(IllegalStateException.class, () -> new Samples("warm").percentileNanos(90));
        assertEquals("samples 'warm': no round was measured", empty.getMessage());
    }

    @Test
    void anOutlierMovesTheMaximumButNotTheMedian() {
        assertEquals(of(10, 11, 12).medianMillis(), of(10, 11, 12_000).medianMillis(), 1e-9);
    }

    @Test
    void emptySamplesAndNegativeDurationsAreRefusedWithTheirName() {
        IllegalStateException empty = assertThrows(IllegalStateException.class, () -> new Samples("exec").medianMillis());
        assertEquals("samples 'exec': no round was measured", empty.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> new Samples("boot").add(-5));
        assertTrue(negative.getMessage().startsWith("samples 'boot': a duration cannot be negative"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Samples.ratio(1, 0));
    }

    @Test
    void tableRatiosAreTakenAgainstThePeerMedianAndTheGoalSaysMissedPlainly() {
        String table = new ResultTable("exec").peer(of(10, 20, 30)).row(of(5, 6, 7)).goal("WARP ≤ 0.25× peer", 0.3, 0.25).markdown();
        assertTrue(table.contains("| boot | 3 | 20.0 | 10.0 | 30.0 | 1.00 (peer) |"), table);
        assertTrue(table.contains("| boot | 3 | 6.00 | 5.00 | 7.00 | 0.30 |"), table);
        assertTrue(table.contains("Goal: WARP ≤ 0.25× peer. Measured ratio 0.30: MISSED."), table);
    }

    @Test
    void aPublishedPeerHasNoRoundsAndStillAnchorsTheRatio() {
        String table = new ResultTable("cli").publishedPeer("wsl.exe", 163).row(of(326)).markdown();
        assertTrue(table.contains("| wsl.exe | - | 163.0 | - | - | 1.00 (peer) |"), table);
        assertTrue(table.contains("| 326.0 | 326.0 | 326.0 | 2.00 |"), table);
    }
}
