package org.wslx.warp.shell;

import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns separated by two spaces, sized to their widest cell; the last column is not padded. */
final class TextTable {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> headers) {
        this.headers = List.copyOf(headers);
    }

    TextTable row(List<String> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException("table row has " + cells.size() + " cells for " + headers.size()
                    + " columns");
        }
        rows.add(cells.stream().map(c -> c == null ? "" : c.replace('\n', ' ')).toList());
        return this;
    }

    String render() {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, headers, widths);
        for (List<String> row : rows) {
            out.append('\n');
            line(out, row, widths);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        int start = out.length();
        for (int i = 0; i < cells.size(); i++) {
            out.append(cells.get(i));
            if (i < cells.size() - 1) {
                out.append(" ".repeat(widths[i] - cells.get(i).length() + 2));
            }
        }
        // Trailing blanks of an empty last cell would only confuse copy-and-paste.
        while (out.length() > start && out.charAt(out.length() - 1) == ' ') {
            out.setLength(out.length() - 1);
        }
    }
}
