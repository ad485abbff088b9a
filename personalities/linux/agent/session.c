/* One control-plane session: HELLO, WELCOME, CONFIG, READY, then a single poll() loop that serves
 * the host's frames, the children's pipes and SIGCHLD (through a signalfd) until the host leaves,
 * breaks the protocol, or asks for SHUTDOWN. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"

void session_send(struct session *s, uint16_t type, uint8_t channel, uint8_t flags, uint32_t stream)
{
    encode_header(buf_reserve(&s->out, FRAME_HEADER), 0, type, channel, flags, stream);
    buf_commit(&s->out, FRAME_HEADER);
}

/* The start is counted from the queue's front, not its storage: growing the queue may move
 * its bytes (compaction, realloc), and nothing is consumed while a frame is being built. */
size_t session_begin(struct session *s, uint16_t type, uint32_t stream)
{
    size_t start = buf_pending(&s->out);
    session_send(s, type, 0, 0, stream);
    return start;
}

void session_end(struct session *s, size_t start)
{
    store_u32(s->out.data + s->out.off + start, (uint32_t)(buf_pending(&s->out) - start - FRAME_HEADER));
}

ssize_t session_send_read(struct session *s, uint8_t channel, uint32_t stream, int fd, size_t max)
{
    uint8_t *frame = buf_reserve(&s->out, FRAME_HEADER + max);
    ssize_t n = read(fd, frame + FRAME_HEADER, max);
    if (n > 0) {
        encode_header(frame, (uint32_t)n, T_DATA, channel, 0, stream);
        buf_commit(&s->out, FRAME_HEADER + (size_t)n);
    }
    return n;
}

static void send_error_v(struct session *s, uint32_t stream, uint16_t code, const char *fmt, va_list ap)
{
    char message[512];
    vsnprintf(message, sizeof message, fmt, ap);
    size_t frame = session_begin(s, T_ERROR, stream);
    put_u16(&s->out, code);
    put_str(&s->out, message);
    session_end(s, frame);
}

void session_send_error(struct session *s, uint32_t stream, uint16_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    send_error_v(s, stream, code, fmt, ap);
    va_end(ap);
}

void session_protocol_error(struct session *s, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    say("protocol error: %s", message);
    session_send_error(s, 0, E_PROTOCOL, "%s", message);
    s->state = S_CLOSED;
}

/* Writes queued frames; with 'wait_ms' > 0 keeps trying that long (used before closing). */
static int flush_output(struct session *s, int wait_ms)
{
    double deadline = monotonic_seconds() + wait_ms / 1000.0;
    while (buf_pending(&s->out) > 0) {
        ssize_t n = write(s->fd, s->out.data + s->out.off, buf_pending(&s->out));
        if (n > 0) {
            buf_consume(&s->out, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN)
            return -1;
        if (wait_ms <= 0 || monotonic_seconds() > deadline)
            return 0;
        struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
        poll(&pfd, 1, 50);
    }
    return 0;
}

static void send_hello(struct session *s)
{
    size_t frame = session_begin(s, T_HELLO, 0);
    put_u16(&s->out, PROTOCOL_MAJOR);
    put_u16(&s->out, PROTOCOL_MINOR);
    put_u32(&s->out, AGENT_CAPABILITIES);
    put_bytes(&s->out, s->secret, (uint32_t)s->secret_len);
    put_str(&s->out, AGENT_NAME);
    session_end(s, frame);
}

/* Splits mount options into MS_* flags and the filesystem-specific rest. */
static unsigned long mount_flags(const char *options, char *data, size_t data_size)
{
    static const struct { const char *name; unsigned long set; } known[] = {
        { "ro", MS_RDONLY }, { "rw", 0 }, { "nosuid", MS_NOSUID }, { "nodev", MS_NODEV },
        { "noexec", MS_NOEXEC }, { "sync", MS_SYNCHRONOUS }, { "noatime", MS_NOATIME },
        { "nodiratime", MS_NODIRATIME }, { "relatime", MS_RELATIME }, { "bind", MS_BIND },
        { "rbind", MS_BIND | MS_REC }, { "defaults", 0 },
    };
    unsigned long flags = 0;
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", options);
    data[0] = 0;
    char *save;
    for (char *opt = strtok_r(copy, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
        size_t i;
        for (i = 0; i < sizeof known / sizeof known[0]; i++)
            if (strcmp(opt, known[i].name) == 0) {
                flags |= known[i].set;
                break;
            }
        if (i == sizeof known / sizeof known[0]) {
            size_t used = strlen(data);
            snprintf(data + used, data_size - used, "%s%s", used ? "," : "", opt);
        }
    }
    return flags;
}

static void make_directories(const char *path)
{
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", path);
    for (char *p = copy + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(copy, 0755);
            *p = '/';
        }
    mkdir(copy, 0755);
}

static void apply_mount(struct session *s, const char *source, const char *target, const char *fstype,
                        const char *options)
{
    char data[1024];
    unsigned long flags = mount_flags(options, data, sizeof data);
    make_directories(target);
    if (mount(source, target, fstype[0] ? fstype : NULL, flags, data[0] ? data : NULL) != 0) {
        say("cannot mount %s (%s) on %s: %s", source, fstype, target, strerror(errno));
        session_send_error(s, 0, E_INTERNAL, "mount of %s (%s) on %s failed: %s", source, fstype, target,
                           strerror(errno));
    }
}

static void handle_config(struct session *s, struct reader *r)
{
    char *hostname = rd_str(r);
    char **env = rd_str_list(r);
    uint32_t mounts = rd_u32(r);
    if (r->short_payload) {
        free(hostname);
        free_str_list(env);
        session_protocol_error(s, "CONFIG payload is shorter than its fields");
        return;
    }
    /* Validate every mount before applying any, so a short payload changes nothing. */
    size_t mounts_at = r->pos;
    for (uint32_t i = 0; i < mounts && !r->short_payload; i++)
        for (int f = 0; f < 4; f++)
            free(rd_str(r));
    if (r->short_payload) {
        free(hostname);
        free_str_list(env);
        session_protocol_error(s, "CONFIG mount list is shorter than its count of %u", mounts);
        return;
    }
    if (hostname[0] && sethostname(hostname, strlen(hostname)) != 0)
        say("cannot set hostname '%s': %s", hostname, strerror(errno));
    free(hostname);
    free_str_list(s->config_env);
    s->config_env = env;
    r->pos = mounts_at;
    for (uint32_t i = 0; i < mounts; i++) {
        char *src = rd_str(r), *target = rd_str(r), *type = rd_str(r), *options = rd_str(r);
        if (s->capabilities & CAP_MOUNTS)
            apply_mount(s, src, target, type, options);
        free(src), free(target), free(type), free(options);
    }
    session_send(s, T_READY, 0, 0, 0);
    s->state = S_READY;
}

static void handle_exec(struct session *s, uint32_t stream, struct reader *r)
{
    struct exec_request req = { .stream = stream };
    req.flags = rd_u32(r);
    req.rows = rd_u16(r);
    req.cols = rd_u16(r);
    req.cwd = rd_str(r);
    req.user = rd_str(r);
    req.argv = rd_str_list(r);
    req.env = rd_str_list(r);
    if (r->short_payload)
        session_protocol_error(s, "EXEC payload on stream %u is shorter than its fields", stream);
    else if (stream == 0 || stream <= s->last_stream)
        session_protocol_error(s, "EXEC on stream %u, which is not above the last stream %u", stream,
                               s->last_stream);
    else {
        s->last_stream = stream;
        process_start(s, &req);
    }
    free(req.cwd);
    free(req.user);
    free_str_list(req.argv);
    free_str_list(req.env);
}

static void shutdown_guest(struct session *s) __attribute__((noreturn));
static void shutdown_guest(struct session *s)
{
    say("shutting down");
    kill(-1, SIGTERM);
    double deadline = monotonic_seconds() + 2;
    while (monotonic_seconds() < deadline) {
        pid_t pid;
        while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
        }
        if (pid < 0 && errno == ECHILD)
            break;
        usleep(20000);
    }
    kill(-1, SIGKILL);
    while (waitpid(-1, NULL, 0) > 0) {
    }
    sync();
    unmount_all();
    session_send(s, T_SHUTDOWN_ACK, 0, 0, 0);
    flush_output(s, 2000);
    /* The port write returns when the frame is in the virtqueue; give the VMM a moment to pass it on. */
    usleep(100000);
    power_off();
}

/* Whether a frame of this type may arrive for a stream the agent has already closed. */
static int allowed_after_close(uint16_t type)
{
    return type == T_DATA || type == T_WINDOW || type == T_SIGNAL || type == T_RESIZE;
}

static void handle_stream_frame(struct session *s, uint16_t type, uint8_t channel, uint8_t flags,
                                uint32_t stream, struct reader *r)
{
    if (s->state != S_READY) {
        session_protocol_error(s, "frame type 0x%04x on stream %u before READY", type, stream);
        return;
    }
    if (type == T_EXEC) {
        handle_exec(s, stream, r);
        return;
    }
    if (stream == 0 || !process_stream_known(s, stream)) {
        if (stream != 0 && stream <= s->last_stream && allowed_after_close(type))
            return;
        session_protocol_error(s, "frame type 0x%04x for stream %u, which does not exist", type, stream);
        return;
    }
    if (type == T_DATA) {
        if (channel != 0)
            session_protocol_error(s, "DATA from the host on channel %u of stream %u; only stdin flows to the guest",
                                   channel, stream);
        else
            process_stdin(s, stream, flags, r->p, r->len);
        return;
    }
    if (type == T_WINDOW) {
        uint32_t increment = rd_u32(r);
        if (r->short_payload)
            session_protocol_error(s, "WINDOW payload on stream %u is shorter than 4 bytes", stream);
        else
            process_window(s, stream, channel, increment);
        return;
    }
    if (type == T_SIGNAL) {
        int32_t sig = (int32_t)rd_u32(r);
        if (r->short_payload)
            session_protocol_error(s, "SIGNAL payload on stream %u is shorter than 4 bytes", stream);
        else if (s->capabilities & CAP_SIGNALS)
            process_signal(s, stream, sig);
        return;
    }
    uint16_t rows = rd_u16(r), cols = rd_u16(r);
    if (r->short_payload)
        session_protocol_error(s, "RESIZE payload on stream %u is shorter than 4 bytes", stream);
    else if (s->capabilities & CAP_RESIZE)
        process_resize(s, stream, rows, cols);
}

static void handle_frame(struct session *s, uint16_t type, uint8_t channel, uint8_t flags, uint32_t stream,
                         const uint8_t *payload, uint32_t length)
{
    struct reader r = { .p = payload, .len = length };
    switch (type) {
    case T_EXEC:
    case T_DATA:
    case T_WINDOW:
    case T_SIGNAL:
    case T_RESIZE:
        handle_stream_frame(s, type, channel, flags, stream, &r);
        return;
    case T_ERROR: {
        uint16_t code = rd_u16(&r);
        char *message = rd_str(&r);
        say("the host reported error %u: %s", code, message ? message : "(no message)");
        free(message);
        s->state = S_CLOSED;
        return;
    }
    case T_WELCOME:
    case T_CONFIG:
    case T_PING:
    case T_PONG:
    case T_SHUTDOWN:
        break;
    default:
        session_protocol_error(s, "frame type 0x%04x is not one the host may send", type);
        return;
    }
    if (stream != 0) {
        session_protocol_error(s, "session frame type 0x%04x on stream %u instead of 0", type, stream);
        return;
    }
    if (s->state == S_HELLO_SENT && type != T_WELCOME) {
        session_protocol_error(s, "frame type 0x%04x before WELCOME", type);
        return;
    }
    if (type == T_WELCOME) {
        uint16_t major = rd_u16(&r), minor = rd_u16(&r);
        uint32_t caps = rd_u32(&r);
        if (r.short_payload)
            session_protocol_error(s, "WELCOME payload is shorter than 8 bytes");
        else if (s->state != S_HELLO_SENT)
            session_protocol_error(s, "a second WELCOME");
        else if (major != PROTOCOL_MAJOR)
            session_protocol_error(s, "WELCOME names version %u.%u; this agent speaks %u.%u", major, minor,
                                   PROTOCOL_MAJOR, PROTOCOL_MINOR);
        else {
            s->capabilities = caps & AGENT_CAPABILITIES;
            s->state = S_WELCOMED;
        }
    } else if (type == T_CONFIG) {
        if (s->state != S_WELCOMED)
            session_protocol_error(s, "CONFIG after READY");
        else
            handle_config(s, &r);
    } else if (type == T_PING) {
        uint64_t token = rd_u64(&r);
        if (r.short_payload) {
            session_protocol_error(s, "PING payload is shorter than 8 bytes");
            return;
        }
        size_t frame = session_begin(s, T_PONG, 0);
        put_u64(&s->out, token);
        session_end(s, frame);
    } else if (type == T_SHUTDOWN) {
        shutdown_guest(s);
    }
}

/* Decodes every complete frame in the input buffer. */
static void handle_input(struct session *s)
{
    while (s->state != S_CLOSED && buf_pending(&s->in) >= FRAME_HEADER) {
        struct reader h = { .p = s->in.data + s->in.off, .len = FRAME_HEADER };
        uint32_t length = rd_u32(&h);
        uint16_t type = rd_u16(&h);
        uint8_t channel = rd_u8(&h), flags = rd_u8(&h);
        uint32_t stream = rd_u32(&h);
        if (length > MAX_PAYLOAD) {
            session_protocol_error(s, "frame length %u exceeds the maximum of %u", length, MAX_PAYLOAD);
            return;
        }
        if (channel > 2) {
            session_protocol_error(s, "frame channel %u is above 2", channel);
            return;
        }
        if (flags & ~FLAG_FIN) {
            session_protocol_error(s, "frame flags 0x%02x has unknown bits", flags);
            return;
        }
        if (buf_pending(&s->in) < FRAME_HEADER + (size_t)length)
            return;
        handle_frame(s, type, channel, flags, stream, s->in.data + s->in.off + FRAME_HEADER, length);
        buf_consume(&s->in, FRAME_HEADER + (size_t)length);
    }
}

static int read_input(struct session *s)
{
    const size_t chunk = FRAME_HEADER + MAX_PAYLOAD;
    for (;;) {
        ssize_t n = read(s->fd, buf_reserve(&s->in, chunk), chunk);
        if (n > 0) {
            buf_commit(&s->in, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return 0;
        return -1; /* 0: the host went away */
    }
}

void session_run(int fd, int sigfd, const uint8_t *secret, size_t secret_len)
{
    struct session s = { .fd = fd, .sigfd = sigfd, .state = S_HELLO_SENT, .secret = secret,
                         .secret_len = secret_len };
    send_hello(&s);
    double started = monotonic_seconds();
    int announced_ready = 0;
    struct pollfd *fds = NULL;
    size_t fds_cap = 0;
    while (s.state != S_CLOSED) {
        size_t need = 2 + 3 * (size_t)s.process_count;
        if (need > fds_cap) {
            fds_cap = need * 2;
            free(fds);
            fds = xmalloc(fds_cap * sizeof *fds);
        }
        fds[0] = (struct pollfd){ .fd = fd, .events = POLLIN | (buf_pending(&s.out) ? POLLOUT : 0) };
        fds[1] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
        int nproc = process_poll_fds(&s, fds + 2, (int)fds_cap - 2);
        if (poll(fds, 2 + nproc, -1) < 0) {
            if (errno == EINTR)
                continue;
            say("poll failed: %s", strerror(errno));
            break;
        }
        if (fds[1].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (read(sigfd, &info, sizeof info) == sizeof info) {
            }
            process_reap(&s);
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            int gone = read_input(&s) != 0;
            handle_input(&s);
            if (gone && s.state != S_CLOSED) {
                say("the host closed the control channel");
                s.state = S_CLOSED;
            }
        }
        if (s.state != S_CLOSED)
            process_handle_io(&s, fds + 2, nproc);
        if (s.state == S_READY && !announced_ready) {
            announced_ready = 1;
            say("ready %.0f ms after HELLO", (monotonic_seconds() - started) * 1000);
        }
        if (flush_output(&s, 0) != 0 && s.state != S_CLOSED) {
            say("cannot write to the control channel: %s", strerror(errno));
            s.state = S_CLOSED;
        }
    }
    flush_output(&s, 1000);
    process_kill_all(&s);
    free(fds);
    free_str_list(s.config_env);
    buf_free(&s.in);
    buf_free(&s.out);
}
