/* Processes started by EXEC: their pipes or pseudo-terminal, the flow-control windows of their
 * three channels, and the EXIT that follows once the process is reaped and both outputs reached EOF. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "process.h"

#define MAX_PROCESSES 512
/* Stop reading children while this much is queued for the host, so the agent's memory stays bounded. */
#define OUTPUT_QUEUE_LIMIT (1024 * 1024)

static struct process *find(struct session *s, uint32_t stream)
{
    for (struct process *p = s->processes; p; p = p->next)
        if (p->stream == stream)
            return p;
    return NULL;
}

int process_stream_known(struct session *s, uint32_t stream)
{
    return find(s, stream) != NULL;
}

static void send_fin(struct session *s, uint32_t stream, uint8_t channel)
{
    session_send(s, T_DATA, channel, FLAG_FIN, stream);
}

static void send_exit(struct session *s, uint32_t stream, uint8_t kind, int32_t value, const char *message)
{
    size_t frame = session_begin(s, T_EXIT, stream);
    put_u8(&s->out, kind);
    put_u32(&s->out, (uint32_t)value);
    put_str(&s->out, message);
    session_end(s, frame);
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* Reports a process that could not be started at all (EXIT kind 2). */
static void never_started(struct session *s, uint32_t stream, int32_t value, const char *message)
{
    send_fin(s, stream, 1);
    send_fin(s, stream, 2);
    send_exit(s, stream, 2, value, message);
}

void process_start(struct session *s, struct exec_request *req)
{
    if (s->process_count >= MAX_PROCESSES) {
        session_send_error(s, req->stream, E_EXEC_REFUSED, "the guest already runs %d processes", MAX_PROCESSES);
        return;
    }
    if (!req->argv[0] || !req->argv[0][0]) {
        never_started(s, req->stream, 127, "EXEC has an empty argv");
        return;
    }
    const char *user = req->user[0] ? req->user : "root";
    struct account account;
    if (account_lookup(user, &account) != 0) {
        char message[300];
        snprintf(message, sizeof message, "user '%s' does not exist in /etc/passwd", user);
        never_started(s, req->stream, 1, message);
        return;
    }
    struct process *p = calloc(1, sizeof *p);
    if (!p) {
        account_free(&account);
        never_started(s, req->stream, 1, "the agent is out of memory");
        return;
    }
    p->stream = req->stream;
    p->in_fd = p->out_fd = p->err_fd = -1;
    p->pty = (req->flags & 1) && (s->capabilities & CAP_PTY);
    p->out_window = p->err_window = INITIAL_WINDOW;
    p->stdin_credit = INITIAL_WINDOW;
    char **env = process_environment(s, req, &account, p->pty);
    const char *error = spawn_child(p, req, &account, env);
    free_str_list(env);
    account_free(&account);
    if (error) {
        never_started(s, req->stream, 126, error);
        close_fd(&p->in_fd);
        close_fd(&p->out_fd);
        close_fd(&p->err_fd);
        free(p);
        return;
    }
    p->next = s->processes;
    s->processes = p;
    s->process_count++;
    size_t frame = session_begin(s, T_STARTED, p->stream);
    put_u32(&s->out, (uint32_t)p->pid);
    session_end(s, frame);
    if (p->pty) /* the terminal carries everything on stdout; stderr has nothing to say */
        send_fin(s, p->stream, 2);
}

static void grant_stdin(struct session *s, struct process *p, size_t consumed)
{
    p->stdin_consumed += consumed;
    /* Batched: one WINDOW per half window consumed keeps the host streaming without chatter. */
    if (p->stdin_consumed >= INITIAL_WINDOW / 2) {
        size_t frame = session_begin(s, T_WINDOW, p->stream);
        put_u32(&s->out, p->stdin_consumed);
        session_end(s, frame);
        p->stdin_credit += p->stdin_consumed;
        p->stdin_consumed = 0;
    }
}

/* Ends the child's stdin once the host finished it and everything buffered was written. */
static void maybe_close_stdin(struct process *p)
{
    if (!p->stdin_fin || buf_pending(&p->stdin_buf) > 0 || p->in_fd < 0)
        return;
    if (p->pty) {
        /* A terminal has no half-close; end-of-file is the EOF character at the start of a line. */
        static const char eof = 4;
        ssize_t ignored = write(p->in_fd, &eof, 1);
        (void)ignored;
    }
    close_fd(&p->in_fd);
}

static void write_stdin(struct session *s, struct process *p)
{
    while (p->in_fd >= 0 && buf_pending(&p->stdin_buf) > 0) {
        ssize_t n = write(p->in_fd, p->stdin_buf.data + p->stdin_buf.off, buf_pending(&p->stdin_buf));
        if (n > 0) {
            buf_consume(&p->stdin_buf, (size_t)n);
            grant_stdin(s, p, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        /* The child closed its stdin (EPIPE): what the host still sends is dropped but still granted. */
        close_fd(&p->in_fd);
    }
    if (p->in_fd < 0 && buf_pending(&p->stdin_buf) > 0) {
        size_t dropped = buf_pending(&p->stdin_buf);
        buf_consume(&p->stdin_buf, dropped);
        grant_stdin(s, p, dropped);
    }
    maybe_close_stdin(p);
}

int process_stdin(struct session *s, uint32_t stream, uint8_t flags, const uint8_t *data, size_t n)
{
    struct process *p = find(s, stream);
    if (!p)
        return 0; /* crossed our EXIT on the wire */
    if (p->stdin_fin && (n > 0 || !(flags & FLAG_FIN))) {
        session_protocol_error(s, "DATA on stdin of stream %u after its FIN", stream);
        return -1;
    }
    if (n > p->stdin_credit) {
        session_protocol_error(s, "DATA of %zu bytes on stdin of stream %u exceeds the granted window of %u",
                               n, stream, p->stdin_credit);
        return -1;
    }
    p->stdin_credit -= (uint32_t)n;
    buf_append(&p->stdin_buf, data, n);
    if (flags & FLAG_FIN)
        p->stdin_fin = 1;
    write_stdin(s, p);
    return 0;
}

int process_window(struct session *s, uint32_t stream, uint8_t channel, uint32_t increment)
{
    struct process *p = find(s, stream);
    if (!p || channel == 0)
        return 0; /* the host has no stdin window to give us */
    uint32_t *window = channel == 1 ? &p->out_window : &p->err_window;
    if ((uint64_t)*window + increment > UINT32_MAX) {
        session_protocol_error(s, "WINDOW on stream %u channel %u grows the window beyond 2^32", stream, channel);
        return -1;
    }
    *window += increment;
    return 0;
}

void process_signal(struct session *s, uint32_t stream, int32_t sig)
{
    struct process *p = find(s, stream);
    if (p && !p->exited && sig > 0 && sig < 65)
        kill(-p->pid, sig);
}

void process_resize(struct session *s, uint32_t stream, uint16_t rows, uint16_t cols)
{
    struct process *p = find(s, stream);
    if (p && p->pty && p->out_fd >= 0) {
        struct winsize ws = { .ws_row = rows, .ws_col = cols };
        ioctl(p->out_fd, TIOCSWINSZ, &ws);
    }
}

static void finish_if_done(struct session *s)
{
    struct process **link = &s->processes;
    while (*link) {
        struct process *p = *link;
        if (!p->exited || p->out_fd >= 0 || p->err_fd >= 0) {
            link = &p->next;
            continue;
        }
        if (WIFSIGNALED(p->status)) {
            int sig = WTERMSIG(p->status);
            send_exit(s, p->stream, 1, sig, strsignal(sig));
        } else {
            send_exit(s, p->stream, 0, WEXITSTATUS(p->status), "");
        }
        close_fd(&p->in_fd);
        buf_free(&p->stdin_buf);
        *link = p->next;
        s->process_count--;
        free(p);
    }
}

void process_reap(struct session *s)
{
    int status;
    pid_t pid;
    /* As PID 1 every orphan in the guest ends up here, not only our own children. */
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (struct process *p = s->processes; p; p = p->next)
            if (p->pid == pid && !p->exited) {
                p->exited = 1;
                p->status = status;
            }
    }
    finish_if_done(s);
}

void process_kill_all(struct session *s)
{
    while (s->processes) {
        struct process *p = s->processes;
        s->processes = p->next;
        if (!p->exited)
            kill(-p->pid, SIGKILL);
        close_fd(&p->in_fd);
        close_fd(&p->out_fd);
        close_fd(&p->err_fd);
        buf_free(&p->stdin_buf);
        free(p);
    }
    s->process_count = 0;
}

int process_poll_fds(struct session *s, struct pollfd *fds, int max)
{
    int n = 0;
    int host_can_take = buf_pending(&s->out) < OUTPUT_QUEUE_LIMIT;
    for (struct process *p = s->processes; p && n + 3 <= max; p = p->next) {
        if (p->out_fd >= 0 && p->out_window > 0 && host_can_take)
            fds[n++] = (struct pollfd){ .fd = p->out_fd, .events = POLLIN };
        if (p->err_fd >= 0 && p->err_window > 0 && host_can_take)
            fds[n++] = (struct pollfd){ .fd = p->err_fd, .events = POLLIN };
        if (p->in_fd >= 0 && buf_pending(&p->stdin_buf) > 0)
            fds[n++] = (struct pollfd){ .fd = p->in_fd, .events = POLLOUT };
    }
    return n;
}

/* Reads what the window allows from one output channel and forwards it; FIN at end-of-file. */
static void pump_output(struct session *s, struct process *p, uint8_t channel)
{
    int *fd = channel == 1 ? &p->out_fd : &p->err_fd;
    uint32_t *window = channel == 1 ? &p->out_window : &p->err_window;
    size_t want = *window < MAX_PAYLOAD ? *window : MAX_PAYLOAD;
    if (*fd < 0 || want == 0)
        return;
    ssize_t n = session_send_read(s, channel, p->stream, *fd, want);
    if (n > 0) {
        *window -= (uint32_t)n;
        return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    /* 0 is end-of-file on a pipe; EIO is how a terminal master says every slave is closed. */
    close_fd(fd);
    if (p->pty)
        close_fd(&p->in_fd);
    send_fin(s, p->stream, channel);
}

void process_handle_io(struct session *s, struct pollfd *fds, int n)
{
    for (int i = 0; i < n; i++) {
        if (!fds[i].revents)
            continue;
        for (struct process *p = s->processes; p; p = p->next) {
            if (fds[i].fd == p->out_fd && p->out_fd >= 0)
                pump_output(s, p, 1);
            else if (fds[i].fd == p->err_fd && p->err_fd >= 0)
                pump_output(s, p, 2);
            else if (fds[i].fd == p->in_fd && p->in_fd >= 0)
                write_stdin(s, p);
            else
                continue;
            break;
        }
    }
    finish_if_done(s);
}
