package org.wslx.warp.shell;

import java.util.List;

/**
 * What a listing command returns: the items themselves, so they can be piped into further Gogo
 * commands, plus a plural noun the console uses for the table's title and for "no backends".
 *
 * @param noun  what the items are, plural, e.g. {@code instances}
 * @param items the items, in the order to show them
 */
public record Listing<T>(String noun, List<T> items) {
    public Listing {
        items = List.copyOf(items);
    }
}
