/* The WARP guest agent for Linux: PID 1 of the initramfs, speaks control plane v1.0. */
#ifndef WARP_AGENT_H
#define WARP_AGENT_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define AGENT_NAME "warp-agent 1.0 (linux)"
#define PROTOCOL_MAJOR 1
#define PROTOCOL_MINOR 0
#define CONTROL_PORT_NAME "org.wslx.warp.control.0"
/* The control channel where the virtio console has no multiport (VIRTIO-MMIO-CHANNEL.md). */
#define VIRTIO_CONSOLE_PATH "/dev/hvc0"
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#define FRAME_HEADER 12
#define MAX_PAYLOAD 65536
#define INITIAL_WINDOW 262144u
#define FLAG_FIN 0x01

enum frame_type {
    T_HELLO = 0x0001, T_WELCOME = 0x0002, T_CONFIG = 0x0003, T_READY = 0x0004,
    T_EXEC = 0x0010, T_STARTED = 0x0011, T_DATA = 0x0012, T_WINDOW = 0x0013,
    T_SIGNAL = 0x0014, T_RESIZE = 0x0015, T_EXIT = 0x0016,
    T_PING = 0x0020, T_PONG = 0x0021, T_SHUTDOWN = 0x0030, T_SHUTDOWN_ACK = 0x0031,
    T_ERROR = 0x007F,
};

enum capability { CAP_PTY = 0x01, CAP_SIGNALS = 0x02, CAP_RESIZE = 0x04, CAP_MOUNTS = 0x08, CAP_USERS = 0x10 };
#define AGENT_CAPABILITIES (CAP_PTY | CAP_SIGNALS | CAP_RESIZE | CAP_MOUNTS | CAP_USERS)

enum error_code { E_PROTOCOL = 1, E_AUTH = 2, E_VERSION = 3, E_EXEC_REFUSED = 4, E_INTERNAL = 5 };

/* ---- log.c: console messages and small helpers ---- */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xmalloc(size_t n);
char *xstrdup(const char *s);
double monotonic_seconds(void);

/* ---- wire.c: growable byte buffers and the frame encoding ---- */
struct buf {
    uint8_t *data;
    size_t len, cap, off; /* off: bytes already consumed from the front */
};
void buf_append(struct buf *b, const void *p, size_t n);
/* Room for n more bytes at the end, returned; buf_commit then adds the bytes written there. */
uint8_t *buf_reserve(struct buf *b, size_t n);
void buf_commit(struct buf *b, size_t n);
void buf_consume(struct buf *b, size_t n);
size_t buf_pending(const struct buf *b);
void buf_free(struct buf *b);

/* A cursor over a received payload; any read past the end sets 'short_payload'. */
struct reader {
    const uint8_t *p;
    size_t len, pos;
    int short_payload;
};
uint8_t rd_u8(struct reader *r);
uint16_t rd_u16(struct reader *r);
uint32_t rd_u32(struct reader *r);
uint64_t rd_u64(struct reader *r);
/* Reads a str and returns it NUL-terminated (freshly allocated), or NULL if short. */
char *rd_str(struct reader *r);
/* Reads list<str> into a NULL-terminated array; NULL (and short_payload) when short. */
char **rd_str_list(struct reader *r);
void free_str_list(char **list);

/* Little-endian into memory the caller owns. */
void store_u32(uint8_t *at, uint32_t v);
void put_u8(struct buf *b, uint8_t v);
void put_u16(struct buf *b, uint16_t v);
void put_u32(struct buf *b, uint32_t v);
void put_u64(struct buf *b, uint64_t v);
void put_bytes(struct buf *b, const void *p, uint32_t n);
void put_str(struct buf *b, const char *s);
void encode_header(uint8_t at[FRAME_HEADER], uint32_t length, uint16_t type, uint8_t channel, uint8_t flags,
                   uint32_t stream);

/* ---- boot.c: turning the initramfs into the guest's root ---- */
void boot_mount_kernel_filesystems(void);
void boot_open_console(void);
void boot_load_modules(const char *order_file);
/* Reads and deletes the boot secret; returns its byte count (0 if absent or malformed). */
size_t boot_read_secret(const char *path, uint8_t secret[32]);
/* Mounts the root named by warp.root= and switches to it; powers off when that fails. */
void boot_switch_root(void);
void boot_mount_runtime_filesystems(void);
/* Opens the control channel, waiting for it to appear; -1 on timeout. The named virtio-serial port
 * comes first; without one, the virtio console /dev/hvc0 in raw mode (then *is_console is 1). */
int boot_open_control_port(double timeout_seconds, int *is_console);
void power_off(void) __attribute__((noreturn));
void unmount_all(void);

/* ---- users.c: accounts from the root's /etc/passwd and /etc/group ---- */
struct account {
    char *name, *home, *shell;
    uid_t uid;
    gid_t gid;
    gid_t groups[64];
    int ngroups;
};
/* Fills 'out' for a user name (or numeric id); returns 0, or -1 when no such user exists. */
int account_lookup(const char *user, struct account *out);
void account_free(struct account *a);

/* ---- process.c: processes started by EXEC ---- */
struct session;
struct exec_request {
    uint32_t stream, flags;
    uint16_t rows, cols;
    char *cwd, *user;
    char **argv, **env;
};
void process_start(struct session *s, struct exec_request *req);
/* Frame handlers; each returns 0, or -1 after reporting a protocol error. */
int process_stdin(struct session *s, uint32_t stream, uint8_t flags, const uint8_t *p, size_t n);
int process_window(struct session *s, uint32_t stream, uint8_t channel, uint32_t increment);
void process_signal(struct session *s, uint32_t stream, int32_t sig);
void process_resize(struct session *s, uint32_t stream, uint16_t rows, uint16_t cols);
void process_reap(struct session *s);
void process_kill_all(struct session *s);
/* Registers pollfds for process IO; returns how many were added at 'fds'. */
int process_poll_fds(struct session *s, struct pollfd *fds, int max);
void process_handle_io(struct session *s, struct pollfd *fds, int n);
int process_stream_known(struct session *s, uint32_t stream);

/* ---- session.c: the control channel ---- */
struct process;
struct session {
    int fd;
    int sigfd;
    struct buf in, out;
    enum { S_HELLO_SENT, S_WELCOMED, S_READY, S_CLOSED } state;
    uint32_t capabilities; /* as negotiated in WELCOME */
    uint32_t last_stream;
    char **config_env;
    struct process *processes;
    int process_count;
    const uint8_t *secret;
    size_t secret_len;
};
/* Queues a frame without payload. */
void session_send(struct session *s, uint16_t type, uint8_t channel, uint8_t flags, uint32_t stream);
/* Frames with a payload are built in place in the output queue: session_begin queues the header
 * (channel 0, no flags) and returns where the frame starts, the put_* calls on &s->out add the
 * payload, and session_end fills in its length. No frame is built twice or copied. */
size_t session_begin(struct session *s, uint16_t type, uint32_t stream);
void session_end(struct session *s, size_t start);
/* Reads at most 'max' bytes from fd straight into the output queue as one DATA frame on 'channel';
 * returns what read() returned, and queues nothing unless that is above 0. */
ssize_t session_send_read(struct session *s, uint8_t channel, uint32_t stream, int fd, size_t max);
void session_send_error(struct session *s, uint32_t stream, uint16_t code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Reports a protocol error (ERROR code 1) and marks the session for closing. */
void session_protocol_error(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Runs one session on an open control port until the host goes away or a protocol error. */
void session_run(int fd, int sigfd, const uint8_t *secret, size_t secret_len);

#endif
