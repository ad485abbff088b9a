/*
 * sh: a small shell, so that wslx's forms that go through one work on a Track B instance as on a
 * Track A one (`wslx -d NAME cmd args` sends `/bin/sh -c "cmd args"`, a bare `wslx -d NAME` sends
 * `/bin/sh -l`). It runs one program per line: the line is split into words, the program is spawned
 * sharing the shell's stdio and environment, and the shell waits for it. There is no PTY on Track
 * B, so with no -c it reads lines from stdin without a prompt.
 */
#include "warp.h"

#define LINE_MAX 4096
#define WORDS_MAX 256
#define SYNTAX 2             /* the status of a line the shell refuses, as other shells use it */

static const char usage[] =
    "usage: sh [-l] [-c LINE]\n"
    "  -c LINE  run the command line (or lines) and exit with the last status\n"
    "  -l       accepted for login shells; no effect\n"
    "With no -c, sh reads command lines from stdin and runs each until end of input or 'exit [N]'.\n"
    "A line is one program and its arguments: words split at blanks, '...' and \"...\" quote, a\n"
    "backslash takes the next character as it is, '#' starts a comment. Pipes, redirections, ';',\n"
    "'&&', '||', '&', '(...)' and `...` are not supported (status 2); there are no variables, no\n"
    "wildcards and no directories. A program ended by signal N gives status 128+N.\n";

static char **environment;
static int status;

/* Words of one line, each NUL-terminated in out; returns the count, or -1 after a message. */
static int split(const char *line, char *out, size_t cap, char **words) {
    int n = 0;
    size_t at = 0;
    const char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r') p++;
        if (!*p || *p == '#') return n;
        if (n == WORDS_MAX) { eprintf("sh: more than %d words on a line\n", WORDS_MAX); return -1; }
        words[n++] = out + at;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r') {
            char c = *p;
            if (c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')' || c == '`') {
                int twice = (c == '|' || c == '&' || c == ';' || c == '>' || c == '<') && p[1] == c;
                eprintf("sh: '%.*s' is not supported: this shell runs one program per line "
                        "(no pipes, redirections, ';', '&&', '||' or '&'; see sh --help)\n", twice ? 2 : 1, p);
                return -1;
            }
            if (c == '\'' || c == '"') {
                const char *q = ++p;
                while (*p && *p != c) {
                    if (c == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\')) p++;
                    if (at + 1 >= cap) goto too_long;
                    out[at++] = *p++;
                }
                if (!*p) { eprintf("sh: unterminated quote: %.40s\n", q - 1); return -1; }
                p++;
                continue;
            }
            if (c == '\\' && p[1]) p++;
            if (at + 1 >= cap) goto too_long;
            out[at++] = *p++;
        }
        out[at++] = 0;
    }
too_long:
    eprintf("sh: the line is too long\n");
    return -1;
}

static int parse_status(const char *s, int *value) {
    int v = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000) return -1;
        v = v * 10 + (*s - '0');
    }
    *value = v & 255;
    return 0;
}

/* The program with the shell's environment and its stdio; the status as a POSIX shell reports it. */
static int run(int argc, char **argv) {
    static char blob[WARP_ARGS_MAX];
    long obj = warp_find_program(argv[0]);
    if (obj < 0) { eprintf("sh: %s: command not found\n", argv[0]); return 127; }
    uint32_t envc = 0;
    size_t at = 8;
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;
        if (at + l > sizeof blob) { eprintf("sh: %s: argument list too long\n", argv[0]); return 126; }
        memcpy(blob + at, argv[i], l);
        at += l;
    }
    for (char **e = environment; e && *e; e++) {
        size_t l = strlen(*e) + 1;
        if (at + l > sizeof blob) { eprintf("sh: %s: argument list too long (with the environment)\n", argv[0]); return 126; }
        memcpy(blob + at, *e, l);
        at += l;
        envc++;
    }
    ((uint32_t *)blob)[0] = (uint32_t)argc;
    ((uint32_t *)blob)[1] = envc;
    struct warp_spawn sp = { (uint32_t)obj, 0, 0, (uint64_t)blob, at, 0 };
    long pid = warp_spawn(&sp);
    if (pid == WARP_ENOEXEC) { eprintf("sh: %s: not a valid executable for the WARP ABI\n", argv[0]); return 126; }
    if (pid < 0) { eprintf("sh: %s: cannot start: %s\n", argv[0], warp_strerror(pid)); return 126; }
    struct warp_exit st;
    long r = warp_waitpid(pid, &st, 0);
    if (r != pid) { eprintf("sh: %s: waitpid: %s\n", argv[0], warp_strerror(r)); return 1; }
    if (st.kind == WARP_EXIT_CODE) return st.value & 255;
    eprintf("sh: %s: killed by signal %d\n", argv[0], st.value);
    return 128 + st.value;
}

/* Runs one line; returns 1 when it was `exit`, with the shell's status set. */
static int line(const char *text) {
    static char buf[LINE_MAX + 1];
    char *words[WORDS_MAX];
    int n = split(text, buf, sizeof buf, words);
    if (n < 0) { status = SYNTAX; return 0; }
    if (n == 0) return 0;
    if (!strcmp(words[0], "exit")) {
        if (n > 2) { eprintf("sh: exit: too many arguments\n"); status = 1; return 0; }
        if (n == 2 && parse_status(words[1], &status)) {
            eprintf("sh: exit: '%s' is not a number\n", words[1]);
            status = SYNTAX;
        }
        return 1;
    }
    status = run(n, words);
    return 0;
}

/* Reads stdin one byte at a time, so a program the shell starts reads what follows its line. A line
   ends at LF or CR; the empty line between the two of a CRLF is harmless. */
static int read_line(char *out, size_t cap) {
    size_t n = 0;
    int got = 0, over = 0;
    char c;
    while (warp_read(WARP_STDIN, &c, 1) == 1) {
        got = 1;
        if (c == '\n' || c == '\r') break;   /* a terminal in raw mode sends CR for Enter */
        if (n + 1 < cap) out[n++] = c;
        else over = 1;
    }
    out[n] = 0;
    if (over) { eprintf("sh: a line longer than %d bytes was skipped\n", (int)cap - 1); out[0] = 0; status = SYNTAX; }
    return got;
}

int main(int argc, char **argv, char **envp) {
    environment = envp;
    const char *command = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc) { command = argv[++i]; break; }
        if (!strcmp(argv[i], "-l")) continue;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { printf("%s", usage); return 0; }
        if (!strcmp(argv[i], "-c")) eprintf("sh: option '-c' needs a command line\n%s", usage);
        else eprintf("sh: unknown argument '%s'\n%s", argv[i], usage);
        return SYNTAX;
    }
    if (command) {   /* one line, or several separated by newlines, as other shells take -c */
        static char text[LINE_MAX + 1];
        for (const char *p = command; *p;) {
            size_t n = 0;
            while (p[n] && p[n] != '\n') n++;
            if (n > LINE_MAX) { eprintf("sh: a line longer than %d bytes\n", LINE_MAX); return SYNTAX; }
            memcpy(text, p, n);
            text[n] = 0;
            if (line(text)) break;
            p += n + (p[n] == '\n');
        }
        return status;
    }
    static char text[LINE_MAX + 1];
    while (read_line(text, sizeof text))
        if (line(text)) break;
    return status;
}
