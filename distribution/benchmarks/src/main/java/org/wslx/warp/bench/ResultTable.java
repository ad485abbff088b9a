package org.wslx.warp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One benchmark's table: a row per measurement with rounds, median, min and max in milliseconds
 * and the ratio of its median to the peer's, then the goal and whether the numbers meet it.
 */
final class ResultTable {
    private record Row(String label, int rounds, double median, double min, double max, String ratio) {
    }

    private final String title;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private double peerMedian = Double.NaN;

    ResultTable(String title) {
        this.title = title;
    }

    /** The row every other row's ratio is taken against; it must be added first. */
    ResultTable peer(Samples peer) {
        peerMedian = peer.medianMillis();
        rows.add(fromSamples(peer, "1.00 (peer)"));
        return this;
    }

    /** A peer that was not measured here (a published figure): shown with rounds "-". */
    ResultTable publishedPeer(String label, double millis) {
        peerMedian = millis;
        rows.add(new Row(label, 0, millis, Double.NaN, Double.NaN, "1.00 (peer)"));
        return this;
    }

    ResultTable row(Samples samples) {
        rows.add(fromSamples(samples, ratioText(samples.medianMillis())));
        return this;
    }

    /** A row for context that is not compared with the peer. */
    ResultTable context(Samples samples) {
        rows.add(fromSamples(samples, "-"));
        return this;
    }

    ResultTable note(String sentence) {
        notes.add(sentence);
        return this;
    }

    /** Adds the goal line: met or MISSED, with the number it was judged on. */
    ResultTable goal(String goal, double ratio, double limit) {
        notes.add(String.format(Locale.ROOT, "Goal: %s. Measured ratio %.2f: %s.", goal, ratio,
                ratio <= limit ? "met" : "MISSED"));
        return this;
    }

    /** The table of a benchmark that stopped with an error: no numbers, only what went wrong. */
    static ResultTable failed(String title, Exception cause) {
        return new ResultTable(title).note("Did not complete: " + cause.getMessage());
    }

    double peerMedian() {
        return peerMedian;
    }

    private Row fromSamples(Samples s, String ratio) {
        return new Row(s.name(), s.rounds(), s.medianMillis(), s.minMillis(), s.maxMillis(), ratio);
    }

    private String ratioText(double median) {
        return Double.isNaN(peerMedian) ? "-" : String.format(Locale.ROOT, "%.2f", Samples.ratio(median, peerMedian));
    }

    /** The table as Markdown, which also reads well on a terminal. */
    String markdown() {
        StringBuilder text = new StringBuilder("### ").append(title).append("\n\n");
        if (!rows.isEmpty()) {
            text.append("| measurement | rounds | median ms | min ms | max ms | ratio vs peer |\n");
            text.append("|---|---:|---:|---:|---:|---:|\n");
        }
        for (Row row : rows) {
            text.append("| ").append(row.label).append(" | ").append(row.rounds == 0 ? "-" : Integer.toString(row.rounds))
                    .append(" | ").append(millis(row.median)).append(" | ").append(millis(row.min)).append(" | ")
                    .append(millis(row.max)).append(" | ").append(row.ratio).append(" |\n");
        }
        if (!notes.isEmpty()) {
            text.append('\n');
            for (String note : notes) {
                text.append("- ").append(note).append('\n');
            }
        }
        return text.append('\n').toString();
    }

    private static String millis(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, value < 10 ? "%.2f" : "%.1f", value);
    }
}
