/*
 * The agent: the first process, at CPL 3. It serves the control plane (CONTROL-PLANE.md) over the
 * virtio console and runs programs: each gets a stdio block (three rings) shared with the agent, so
 * moving bytes between the host and a program never enters the kernel. The agent sleeps in
 * warp_wait on the virtqueues' used indices; programs wake it when they fill or drain a ring.
 */
#include "warp.h"
#include "warp/archive.h"
#include "warp/ring.h"
#include "virtio.h"

#define HELLO 0x0001
#define WELCOME 0x0002
#define CONFIG 0x0003
#define READY 0x0004
#define EXEC 0x0010
#define STARTED 0x0011
#define DATA 0x0012
#define WINDOW 0x0013
#define SIGNAL 0x0014
#define RESIZE 0x0015
#define EXIT 0x0016
#define PING 0x0020
#define PONG 0x0021
#define SHUTDOWN 0x0030
#define SHUTDOWN_ACK 0x0031
#define ERROR 0x007F
#define FIN 1
#define MAX_PAYLOAD 65536
#define INITIAL_WINDOW 262144
/* Output goes out in frames of at most 16 KiB. The channel holds the agent back rather than drop
   bytes when the host falls behind (VIRTIO-MMIO-CHANNEL.md §3), so the size only sets how finely
   the streams' output interleaves. */
#define DATA_CHUNK 16384
#define CAP_SIGNALS 0x02
#define WARP_SYS_POWER_OFF 13

#define MAX_STREAMS 16

struct stream {
    uint32_t id;                 /* 0 = free */
    long pid;
    struct warp_stdio_block *b;
    uint32_t out_window[3];      /* bytes the host still accepts on stdout, stderr */
    uint32_t in_received;        /* stdin bytes received, not yet granted back */
    uint32_t in_granted_tail;    /* stdin ring tail when we last sent WINDOW */
    uint32_t in_window;          /* bytes the host may still send on stdin */
    int stdin_fin, fin_sent[3], ended, message_sent;
    char name[64];
};

static struct stream streams[MAX_STREAMS];
static struct warp_stdio_block *slots[MAX_STREAMS];
/* The large buffers live in the DMA area (mapped when the agent starts; virtio.c uses its first
   MiB), not in bss: each bss page's first touch is a page fault, a trap of ~200 us under kvm_pvm. */
#define rxbuf ((uint8_t *)WARP_AGENT_DMA_VA + 0x100000)   /* frames being reassembled */
#define RXCAP 0x30000
#define config_env ((char *)WARP_AGENT_DMA_VA + 0x130000)
#define CONFIG_ENV_CAP 16384
#define exec_args ((uint8_t *)WARP_AGENT_DMA_VA + 0x134000)
#define EXEC_ARGS_CAP WARP_ARGS_MAX
static uint32_t rxlen;
static uint32_t config_env_len, config_envc;
static int ready;

static void console(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void console(const char *fmt, ...) {
    char buf[256];
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    __builtin_va_end(ap);
    warp_sys_write(1, buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
}

__attribute__((noreturn)) static void power_off(void) {
    for (;;) warp_trap0(WARP_SYS_POWER_OFF);
}

/* ---- sending frames ---- */

/* Sleeps until the device has used a transmitted frame or timeout_ns pass. The word is read after the
   interrupt is turned on and before looking at the ring: a change after that ends the wait at once. */
static void tx_sleep(uint64_t timeout_ns) {
    vio_interrupts(0, 1);
    struct warp_wait w = { (uint64_t)vio_tx_used_word(), __atomic_load_n(vio_tx_used_word(), __ATOMIC_ACQUIRE), 0 };
    if (!vio_tx_reclaim()) warp_wait(&w, 1, timeout_ns);
    vio_interrupts(0, 0);
}

static uint8_t *frame_begin(uint32_t payload) {
    uint8_t *p;
    while (!(p = vio_tx_alloc(12 + payload))) {
        vio_kick();
        if (vio_tx_reclaim()) continue;
        tx_sleep(1000000);
    }
    return p;
}

static void frame_header(uint8_t *p, uint32_t len, uint16_t type, uint8_t ch, uint8_t flags, uint32_t stream) {
    memcpy(p, &len, 4);
    memcpy(p + 4, &type, 2);
    p[6] = ch;
    p[7] = flags;
    memcpy(p + 8, &stream, 4);
}

static void send(uint16_t type, uint8_t ch, uint8_t flags, uint32_t stream, const void *payload, uint32_t len) {
    uint8_t *p = frame_begin(len);
    frame_header(p, len, type, ch, flags, stream);
    if (len) memcpy(p + 12, payload, len);
    vio_tx_commit();
}

static uint32_t put_str(uint8_t *p, const char *s, uint32_t n) {
    memcpy(p, &n, 4);
    memcpy(p + 4, s, n);
    return 4 + n;
}

static void send_error(uint32_t stream, uint16_t code, const char *msg) {
    uint8_t buf[300];
    memcpy(buf, &code, 2);
    uint32_t n = 2 + put_str(buf + 2, msg, (uint32_t)strlen(msg));
    send(ERROR, 0, 0, stream, buf, n);
}

__attribute__((noreturn)) static void protocol_error(const char *msg) {
    console("warp-agent: protocol error: %s\n", msg);
    send_error(0, 1, msg);
    vio_kick();
    for (int i = 0; i < 1000 && vio_tx_inflight(); i++) { vio_tx_reclaim(); warp_yield(); }
    power_off();
}

static void send_exit(struct stream *s, int kind, int value, const char *msg) {
    uint8_t buf[300];
    uint32_t n = (uint32_t)strlen(msg);
    if (n > 250) n = 250;
    buf[0] = (uint8_t)kind;
    memcpy(buf + 1, &value, 4);
    n = 5 + put_str(buf + 5, msg, n);
    send(EXIT, 0, 0, s->id, buf, n);
}

/* ---- payload reading ---- */

struct rd { const uint8_t *p; uint32_t n, at; int bad; };
static uint32_t rd_u32(struct rd *r) { uint32_t v = 0; if (r->at + 4 > r->n) { r->bad = 1; return 0; } memcpy(&v, r->p + r->at, 4); r->at += 4; return v; }
static uint16_t rd_u16(struct rd *r) { uint16_t v = 0; if (r->at + 2 > r->n) { r->bad = 1; return 0; } memcpy(&v, r->p + r->at, 2); r->at += 2; return v; }
static const char *rd_str(struct rd *r, uint32_t *len) {
    *len = rd_u32(r);
    if (r->bad || *len > r->n - r->at) { r->bad = 1; *len = 0; return ""; }
    const char *s = (const char *)r->p + r->at;
    r->at += *len;
    return s;
}

/* ---- programs ---- */

static struct stream *find_stream(uint32_t id) {
    for (int i = 0; i < MAX_STREAMS; i++) if (streams[i].id == id && id) return &streams[i];
    return 0;
}

static struct warp_stdio_block *slot_for(int i) {
    if (!slots[i]) {
        void *va = warp_map(0, WARP_STDIO_BYTES, WARP_MAP_STDIO | WARP_MAP_WRITE);
        if (WARP_IS_ERR(va)) return 0;
        slots[i] = va;
    }
    struct warp_stdio_block *b = slots[i];
    memset(b, 0, WARP_STDIO_BYTES);   /* nothing of the previous program shows through */
    static const uint32_t off[3] = { WARP_STDIO_STDIN_OFFSET, WARP_STDIO_STDOUT_OFFSET, WARP_STDIO_STDERR_OFFSET };
    static const uint32_t size[3] = { WARP_STDIO_STDIN_SIZE, WARP_STDIO_STDOUT_SIZE, WARP_STDIO_STDERR_SIZE };
    for (int r = 0; r < 3; r++) { b->ring[r].size = size[r]; b->ring[r].data_offset = off[r]; }
    b->magic = WARP_STDIO_MAGIC;
    b->version = 1;
    b->host_pid = warp_info()->pid;
    return b;
}

/* An object index for argv[0]: the object of that name, or bin/<argv0>; flags in *flags. An image has
   no directories, so an absolute name is the object without its leading '/' ("/bin/sh" is bin/sh,
   what wslx sends for a command line), with no bin/ added. */
static long resolve(const char *name, uint32_t n, uint32_t *flags) {
    const struct warp_archive_header *h = (const struct warp_archive_header *)WARP_ARCHIVE_VA;
    char bin[4 + 255];
    if (!warp_info()->archive_bytes) return WARP_ENOENT;
    int absolute = n && *name == '/';
    while (n && *name == '/') { name++; n--; }
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            if (absolute || memchr(name, '/', n) || n > sizeof bin - 4) break;
            memcpy(bin, "bin/", 4);
            memcpy(bin + 4, name, n);
            name = bin;
            n += 4;
        }
        const struct warp_archive_entry *e;
        uint64_t at = WARP_ARCHIVE_HEADER_BYTES;
        for (uint32_t i = 0; i < h->object_count && (e = warp_archive_next(h, &at)); i++)
            if (warp_archive_name_is(h, e, name, n)) { *flags = e->flags; return i; }
    }
    return WARP_ENOENT;
}

static uint32_t last_stream_id;

static void never_started(uint32_t id, int code, const char *argv0, uint32_t n0, const char *why) {
    char msg[200];
    int n = snprintf(msg, sizeof msg, "%.*s: %s\n", (int)(n0 > 100 ? 100 : n0), argv0, why);
    if (n > (int)sizeof msg - 1) n = sizeof msg - 1;
    send(DATA, 2, 0, id, msg, (uint32_t)n);
    send(DATA, 1, FIN, id, 0, 0);
    send(DATA, 2, FIN, id, 0, 0);
    struct stream tmp = { .id = id };
    msg[n - 1] = 0;
    send_exit(&tmp, 2, code, msg);
}

static int env_has(const uint8_t *blob, uint32_t len, const char *e, uint32_t elen) {
    uint32_t name = 0;
    while (name < elen && e[name] != '=') name++;
    for (uint32_t at = 0; at < len;) {
        const char *x = (const char *)blob + at;
        uint32_t xl = (uint32_t)strlen(x);
        if (xl > name && x[name] == '=' && !memcmp(x, e, name)) return 1;
        at += xl + 1;
    }
    return 0;
}

static void on_exec(uint32_t id, const uint8_t *p, uint32_t n) {
    struct rd r = { p, n, 0, 0 };
    uint32_t l;
    if (!ready) protocol_error("EXEC before READY");
    if (id <= last_stream_id) protocol_error("EXEC with a stream id that is not new");
    last_stream_id = id;
    rd_u32(&r); rd_u16(&r); rd_u16(&r);
    rd_str(&r, &l); rd_str(&r, &l);                    /* cwd, user: no file system, one user */
    uint32_t argc = rd_u32(&r), at = 8, too_long = 0;
    const char *argv0 = 0;
    uint32_t argv0_len = 0;
    for (uint32_t i = 0; i < argc && !r.bad; i++) {
        const char *s = rd_str(&r, &l);
        if (i == 0) { argv0 = s; argv0_len = l; }
        if (at + l + 1 > EXEC_ARGS_CAP) { too_long = 1; continue; }
        memcpy(exec_args + at, s, l);
        exec_args[at + l] = 0;
        at += l + 1;
    }
    uint32_t envc = rd_u32(&r), env_start = at;
    for (uint32_t i = 0; i < envc && !r.bad; i++) {
        const char *s = rd_str(&r, &l);
        if (at + l + 1 > EXEC_ARGS_CAP) { too_long = 1; continue; }
        memcpy(exec_args + at, s, l);
        exec_args[at + l] = 0;
        at += l + 1;
    }
    if (r.bad) protocol_error("EXEC payload is shorter than its fields");
    for (uint32_t c = 0; c < config_env_len;) {       /* CONFIG's environment, where EXEC does not override it */
        const char *e = config_env + c;
        uint32_t el = (uint32_t)strlen(e);
        if (!env_has(exec_args + env_start, at - env_start, e, el)) {
            if (at + el + 1 > EXEC_ARGS_CAP) too_long = 1;
            else { memcpy(exec_args + at, e, el + 1); at += el + 1; envc++; }
        }
        c += el + 1;
    }
    if (argc == 0) { never_started(id, 127, "warp", 4, "empty argument list"); return; }
    if (too_long) { never_started(id, 126, argv0, argv0_len, "argument list too long"); return; }
    memcpy(exec_args, &argc, 4);
    memcpy(exec_args + 4, &envc, 4);
    char name[256];
    uint32_t nl = argv0_len < sizeof name - 1 ? argv0_len : sizeof name - 1;
    memcpy(name, argv0, nl);
    name[nl] = 0;
    uint32_t flags = 0;
    long obj = resolve(name, nl, &flags);
    if (obj < 0) { never_started(id, 127, argv0, argv0_len, "command not found"); return; }
    if (!(flags & WARP_OBJECT_EXECUTABLE)) { never_started(id, 126, argv0, argv0_len, "not an executable program"); return; }
    int i = 0;
    while (i < MAX_STREAMS && streams[i].id) i++;
    struct warp_stdio_block *b = i < MAX_STREAMS ? slot_for(i) : 0;
    if (!b) { send_error(id, 4, "no room for another process"); return; }
    struct warp_spawn sp = { (uint32_t)obj, 0, (uint64_t)b, (uint64_t)exec_args, at, 0 };
    long pid = warp_spawn(&sp);
    if (pid == WARP_ENOEXEC) { never_started(id, 126, argv0, argv0_len, "not a valid executable for the WARP ABI"); return; }
    if (pid < 0) { send_error(id, 4, warp_strerror(pid)); return; }
    struct stream *s = &streams[i];
    memset(s, 0, sizeof *s);
    s->id = id;
    s->pid = pid;
    s->b = b;
    s->out_window[1] = s->out_window[2] = INITIAL_WINDOW;
    s->in_window = INITIAL_WINDOW;
    const char *base = name;
    for (const char *c = name; *c; c++) if (*c == '/') base = c + 1;
    snprintf(s->name, sizeof s->name, "%s", base);
    uint32_t upid = (uint32_t)pid;
    send(STARTED, 0, 0, id, &upid, 4);
}

static void wake_pid(volatile uint32_t *w) {
    uint32_t pid = __atomic_exchange_n(w, 0, __ATOMIC_ACQ_REL);
    if (pid) warp_wake(pid);
}

static void on_data(uint32_t id, uint8_t ch, uint8_t flags, const uint8_t *p, uint32_t n) {
    struct stream *s = find_stream(id);
    if (!s) {
        if (id > last_stream_id || id == 0) protocol_error("DATA on a stream that does not exist");
        return;
    }
    if (ch != 0) protocol_error("DATA from the host on an output channel");
    if (s->stdin_fin) return;
    if (n > s->in_window) protocol_error("stdin DATA beyond the window granted");
    s->in_window -= n;
    volatile struct warp_ring *r = &s->b->ring[WARP_RING_STDIN];
    if (n && !s->ended && r->closed != 2) {
        uint32_t put = warp_ring_put(r, (uint8_t *)s->b + WARP_STDIO_STDIN_OFFSET, WARP_STDIO_STDIN_SIZE, p, n);
        if (put != n) s->in_window += n;   /* a broken ring: the program loses its input, nobody else does */
    }
    if (flags & FIN) {
        s->stdin_fin = 1;
        __atomic_store_n(&r->closed, 1, __ATOMIC_RELEASE);
    }
    wake_pid(&r->reader_waiting);
}

static int terminating(int sig) {
    return sig > 0 && sig < 32 && sig != 17 && sig != 18 && sig != 19 && sig != 20 && sig != 23 && sig != 28;
}

/* Moves output to the host, grants stdin window, and reports the end; returns 1 if it did anything. */
static int pump(struct stream *s) {
    int progress = 0;
    struct warp_stdio_block *b = s->b;
    int ended = __atomic_load_n(&b->state, __ATOMIC_ACQUIRE) == 1;
    volatile struct warp_ring *in = &b->ring[WARP_RING_STDIN];
    uint32_t tail = in->tail, consumed = tail - s->in_granted_tail;
    if (consumed && consumed <= WARP_STDIO_STDIN_SIZE && !ended && (consumed >= 65536 || tail == in->head)) {
        send(WINDOW, 0, 0, s->id, &consumed, 4);
        s->in_granted_tail = tail;
        s->in_window += consumed;
        progress = 1;
    }
    static const uint32_t off[3] = { 0, WARP_STDIO_STDOUT_OFFSET, WARP_STDIO_STDERR_OFFSET };
    static const uint32_t size[3] = { 0, WARP_STDIO_STDOUT_SIZE, WARP_STDIO_STDERR_SIZE };
    for (uint8_t ch = 1; ch <= 2; ch++) {
        volatile struct warp_ring *r = &b->ring[ch];
        uint32_t used;
        while (!s->fin_sent[ch] && (used = warp_ring_used(r, size[ch])) && used != WARP_RING_BROKEN && s->out_window[ch]) {
            uint32_t n = used;
            if (n > s->out_window[ch]) n = s->out_window[ch];
            if (n > DATA_CHUNK) n = DATA_CHUNK;
            uint8_t *f = frame_begin(n);
            frame_header(f, n, DATA, ch, 0, s->id);
            warp_ring_get(r, (uint8_t *)b + off[ch], size[ch], f + 12, n);
            vio_tx_commit();
            s->out_window[ch] -= n;
            wake_pid(&r->writer_waiting);
            progress = 1;
        }
        used = warp_ring_used(r, size[ch]);
        int drained = used == 0 || used == WARP_RING_BROKEN;
        if (!s->fin_sent[ch] && drained && (ended || r->closed == 1)) {
            if (ch == 2 && ended && b->exit_kind == WARP_EXIT_SIGNAL && !s->message_sent) {
                char line[300];
                int n = snprintf(line, sizeof line, "%s: %s\n", s->name, (const char *)b->exit_message);
                if (n > (int)sizeof line - 1) n = sizeof line - 1;
                if ((uint32_t)n > s->out_window[2]) continue;   /* wait for window */
                send(DATA, 2, 0, s->id, line, (uint32_t)n);
                s->out_window[2] -= (uint32_t)n;
                s->message_sent = 1;
            }
            send(DATA, ch, FIN, s->id, 0, 0);
            s->fin_sent[ch] = 1;
            progress = 1;
        }
    }
    if (ended && s->fin_sent[1] && s->fin_sent[2]) {
        char msg[260];
        msg[0] = 0;
        if (b->exit_kind == WARP_EXIT_SIGNAL) snprintf(msg, sizeof msg, "%s: %s", s->name, (const char *)b->exit_message);
        send_exit(s, b->exit_kind, b->exit_value, msg);
        struct warp_exit st;
        warp_waitpid(s->pid, &st, WARP_WNOHANG);
        s->id = 0;
        progress = 1;
    }
    return progress;
}

/* boot milestones for the READY line, in ns since kernel entry */
static uint64_t hello_ns, welcome_ns;

static void ms_part(char *buf, int len, const char *what, uint64_t ns) {
    snprintf(buf, len, "%s %lu.%03lu", what, (unsigned long)(ns / 1000000), (unsigned long)(ns / 1000 % 1000));
}

static void on_config(const uint8_t *p, uint32_t n) {
    struct rd r = { p, n, 0, 0 };
    uint32_t l;
    rd_str(&r, &l);                                    /* hostname: nothing here uses it */
    uint32_t count = rd_u32(&r);
    config_env_len = config_envc = 0;
    for (uint32_t i = 0; i < count && !r.bad; i++) {
        const char *e = rd_str(&r, &l);
        if (config_env_len + l + 1 > CONFIG_ENV_CAP) continue;
        memcpy(config_env + config_env_len, e, l);
        config_env[config_env_len + l] = 0;
        config_env_len += l + 1;
        config_envc++;
    }
    if (r.bad) protocol_error("CONFIG payload is shorter than its fields");
    send(READY, 0, 0, 0, 0, 0);
    vio_kick();
    ready = 1;
    uint64_t now = warp_clock_ns();
    const struct warp_info *in = warp_info();
    char a[32], h[32], w[32];
    ms_part(a, sizeof a, "agent", ((in->boot_tsc_ready - in->tsc_base) * (unsigned __int128)in->ns_mult) >> 32);
    ms_part(h, sizeof h, "HELLO", hello_ns);
    ms_part(w, sizeof w, "WELCOME", welcome_ns);
    console("warp-agent: ready %lu.%03lu ms after kernel entry (%s, %s, %s)\n", (unsigned long)(now / 1000000),
            (unsigned long)(now / 1000 % 1000), a, h, w);
}

static void shutdown_now(void) {
    for (int i = 0; i < MAX_STREAMS; i++)
        if (streams[i].id && streams[i].b->state != 1) warp_kill(streams[i].pid, WARP_SIGTERM);
    for (int i = 0; i < MAX_STREAMS; i++) if (streams[i].id) pump(&streams[i]);
    send(SHUTDOWN_ACK, 0, 0, 0, 0, 0);
    vio_kick();
    for (int i = 0; i < 2000 && vio_tx_inflight(); i++) tx_sleep(1000000);
    power_off();
}

static void handle(uint16_t type, uint8_t ch, uint8_t flags, uint32_t id, const uint8_t *p, uint32_t n) {
    char msg[80];
    if (flags & ~FIN) protocol_error("a frame with unknown flags");
    if (ch > 2) protocol_error("a frame with a channel above 2");
    switch (type) {
    case WELCOME:
        welcome_ns = warp_clock_ns();
        if (n < 8) protocol_error("WELCOME is too short");
        if (p[0] != 1 || p[1] != 0) protocol_error("WELCOME with a major version other than 1");
        break;
    case CONFIG: on_config(p, n); break;
    case EXEC: on_exec(id, p, n); break;
    case DATA: on_data(id, ch, flags, p, n); break;
    case WINDOW: {
        if (n < 4) protocol_error("WINDOW is too short");
        struct stream *s = find_stream(id);
        if (!s) { if (id > last_stream_id) protocol_error("WINDOW on a stream that does not exist"); break; }
        if (ch == 0) protocol_error("WINDOW from the host for stdin");
        uint32_t inc;
        memcpy(&inc, p, 4);
        s->out_window[ch] += inc;
        break;
    }
    case SIGNAL: {
        if (n < 4) protocol_error("SIGNAL is too short");
        struct stream *s = find_stream(id);
        int sig;
        memcpy(&sig, p, 4);
        if (s && s->b->state != 1 && terminating(sig)) warp_kill(s->pid, sig);
        else if (!s && id > last_stream_id) protocol_error("SIGNAL on a stream that does not exist");
        break;
    }
    case RESIZE:
        if (!find_stream(id) && id > last_stream_id) protocol_error("RESIZE on a stream that does not exist");
        break;
    case PING:
        if (n < 8) protocol_error("PING is too short");
        send(PONG, 0, 0, 0, p, 8);
        break;
    case PONG: break;
    case SHUTDOWN: shutdown_now(); break;
    case ERROR:
        console("warp-agent: the host reported an error on stream %u\n", id);
        break;
    default:
        snprintf(msg, sizeof msg, "unknown frame type 0x%x", type);
        protocol_error(msg);
    }
}

static int receive(void) {
    uint32_t got = vio_receive(rxbuf, &rxlen, RXCAP);
    uint32_t at = 0;
    int progress = got != 0;
    while (rxlen - at >= 12) {
        uint32_t len, id;
        uint16_t type;
        memcpy(&len, rxbuf + at, 4);
        memcpy(&type, rxbuf + at + 4, 2);
        memcpy(&id, rxbuf + at + 8, 4);
        if (len > MAX_PAYLOAD) protocol_error("a frame longer than 65536 bytes");
        if (rxlen - at < 12 + len) break;
        handle(type, rxbuf[at + 6], rxbuf[at + 7], id, rxbuf + at + 12, len);
        at += 12 + len;
        progress = 1;
    }
    if (at) { memmove(rxbuf, rxbuf + at, rxlen - at); rxlen -= at; }
    return progress;
}

int main(void) {
    char err[120];
    const struct warp_info *in = warp_info();
    if (vio_init(err, sizeof err)) {
        console("warp-agent: %s\n", err);
        power_off();
    }
    uint8_t hello[128];
    uint16_t major = 1, minor = 0;
    uint32_t caps = CAP_SIGNALS, slen = in->secret_len;
    const char *agent = "warp-kernel 0.1.0";
    memcpy(hello, &major, 2);
    memcpy(hello + 2, &minor, 2);
    memcpy(hello + 4, &caps, 4);
    memcpy(hello + 8, &slen, 4);
    memcpy(hello + 12, in->secret, slen);
    uint32_t n = 12 + slen + put_str(hello + 12 + slen, agent, (uint32_t)strlen(agent));
    send(HELLO, 0, 0, 0, hello, n);
    vio_kick();
    hello_ns = warp_clock_ns();
    for (;;) {
        int progress = receive();
        for (int i = 0; i < MAX_STREAMS; i++) if (streams[i].id) progress |= pump(&streams[i]);
        progress |= vio_tx_reclaim() > 0;
        vio_kick();
        if (progress) continue;
        /* About to sleep. Interrupts go on first; then the device's words are read and the kernel
           compares against those values, so a change from here on ends the wait at once; programs
           that fill or drain a ring from here on wake us through host_waiting. */
        int tx_wait = vio_tx_inflight() != 0;
        vio_interrupts(1, tx_wait);
        struct warp_wait w[2] = {
            { (uint64_t)vio_rx_used_word(), __atomic_load_n(vio_rx_used_word(), __ATOMIC_ACQUIRE), 0 },
            { (uint64_t)vio_tx_used_word(), __atomic_load_n(vio_tx_used_word(), __ATOMIC_ACQUIRE), 0 },
        };
        for (int i = 0; i < MAX_STREAMS; i++) if (streams[i].id) __atomic_store_n(&streams[i].b->host_waiting, 1, __ATOMIC_SEQ_CST);
        int again = vio_rx_pending() || vio_tx_reclaim();
        for (int i = 0; i < MAX_STREAMS && !again; i++) if (streams[i].id) again = pump(&streams[i]);
        if (!again) warp_wait(w, tx_wait ? 2 : 1, WARP_WAIT_FOREVER);
        vio_interrupts(0, 0);
        for (int i = 0; i < MAX_STREAMS; i++) if (streams[i].id) streams[i].b->host_waiting = 0;
    }
}
