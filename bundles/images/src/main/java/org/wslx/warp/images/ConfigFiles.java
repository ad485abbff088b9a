package org.wslx.warp.images;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Parsers for the small text formats an image describes itself with. */
final class ConfigFiles {
    private ConfigFiles() {
    }

    /**
     * Parses os-release(5): {@code KEY=value} lines whose values may be shell-quoted. Only the
     * quoting os-release allows is handled; no variable expansion happens.
     */
    static Map<String, String> osRelease(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            int equals = line.indexOf('=');
            if (line.isEmpty() || line.startsWith("#") || equals <= 0) {
                continue;
            }
            values.put(line.substring(0, equals).strip(), unquote(line.substring(equals + 1).strip()));
        }
        return values;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
                && value.charAt(value.length() - 1) == value.charAt(0)) {
            boolean doubleQuoted = value.charAt(0) == '"';
            String inner = value.substring(1, value.length() - 1);
            if (!doubleQuoted) {
                return inner;
            }
            StringBuilder out = new StringBuilder(inner.length());
            for (int i = 0; i < inner.length(); i++) {
                char c = inner.charAt(i);
                if (c == '\\' && i + 1 < inner.length()) {
                    c = inner.charAt(++i);
                }
                out.append(c);
            }
            return out.toString();
        }
        return value;
    }

    /**
     * Parses the INI dialect of wsl.conf and wsl-distribution.conf into {@code section.key → value}.
     * Section and key names are matched without regard to case, as WSL does, so the map ignores case
     * in lookups while keeping the spelling the file used; values lose surrounding quotes.
     */
    static Map<String, String> ini(String text) {
        Map<String, String> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String section = "";
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String key = line.substring(0, equals).strip();
            String value = stripComment(line.substring(equals + 1)).strip();
            values.put(section.isEmpty() ? key : section + "." + key, unquote(value));
        }
        return values;
    }

    /** wsl.conf allows a trailing comment after an unquoted value. */
    private static String stripComment(String value) {
        String trimmed = value.strip();
        if (trimmed.startsWith("\"") || trimmed.startsWith("'")) {
            return trimmed;
        }
        int hash = trimmed.indexOf('#');
        return hash >= 0 ? trimmed.substring(0, hash) : trimmed;
    }

    /** The user name /etc/passwd gives {@code uid}, or null when no entry has it. */
    static String userNameForUid(String passwd, long uid) {
        for (String line : passwd.split("\n")) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 3 && !fields[0].isEmpty()) {
                try {
                    if (Long.parseLong(fields[2].strip()) == uid) {
                        return fields[0];
                    }
                } catch (NumberFormatException e) {
                    // A malformed line names nobody; the next one may still match.
                }
            }
        }
        return null;
    }

    /** Whether /etc/passwd has an entry called {@code name}. */
    static boolean hasUser(String passwd, String name) {
        for (String line : passwd.split("\n")) {
            if (line.startsWith(name + ":")) {
                return true;
            }
        }
        return false;
    }
}
