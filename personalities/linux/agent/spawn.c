/* Creating a child the way a login shell would: its own session, the user's ids and groups, the
 * requested directory, argv[0] looked up in PATH, and shell-like 127/126 when it cannot run. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"
#include "process.h"

static void set_nonblocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void env_set(char ***env, size_t *count, const char *entry)
{
    const char *eq = strchr(entry, '=');
    if (!eq || eq == entry)
        return;
    size_t name_len = (size_t)(eq - entry) + 1;
    for (size_t i = 0; i < *count; i++)
        if (strncmp((*env)[i], entry, name_len) == 0) {
            free((*env)[i]);
            (*env)[i] = xstrdup(entry);
            return;
        }
    char **grown = realloc(*env, (*count + 2) * sizeof **env);
    if (!grown) {
        say("out of memory building an environment");
        abort();
    }
    *env = grown;
    (*env)[(*count)++] = xstrdup(entry);
    (*env)[*count] = NULL;
}

static void env_set_pair(char ***env, size_t *count, const char *name, const char *value)
{
    size_t n = strlen(name) + strlen(value) + 2;
    char *entry = xmalloc(n);
    snprintf(entry, n, "%s=%s", name, value);
    env_set(env, count, entry);
    free(entry);
}

char **process_environment(struct session *s, struct exec_request *req, const struct account *account, int pty)
{
    char **env = xmalloc(sizeof *env);
    size_t count = 0;
    env[0] = NULL;
    env_set_pair(&env, &count, "PATH", DEFAULT_PATH);
    env_set_pair(&env, &count, "HOME", account->home);
    env_set_pair(&env, &count, "USER", account->name);
    env_set_pair(&env, &count, "LOGNAME", account->name);
    env_set_pair(&env, &count, "SHELL", account->shell);
    if (pty)
        env_set_pair(&env, &count, "TERM", "xterm-256color");
    for (char **e = s->config_env; e && *e; e++)
        env_set(&env, &count, *e);
    for (char **e = req->env; e && *e; e++)
        env_set(&env, &count, *e);
    return env;
}

static void child_fail(int code, const char *fmt, const char *a, const char *b)
{
    char message[1024];
    int n = snprintf(message, sizeof message, fmt, a, b);
    if (n > (int)sizeof message - 1)
        n = sizeof message - 1;
    ssize_t ignored = write(STDERR_FILENO, message, (size_t)n);
    (void)ignored;
    _exit(code);
}

/* execve with argv[0] searched in PATH; only returns (by exiting) when nothing could run. */
static void exec_in_path(char **argv, char **env)
{
    const char *name = argv[0];
    if (strchr(name, '/')) {
        execve(name, argv, env);
        if (errno == ENOENT)
            child_fail(127, "%s: %s: No such file or directory\n", "warp-agent", name);
        child_fail(126, "warp-agent: %s: %s\n", name, strerror(errno));
    }
    const char *path = DEFAULT_PATH;
    for (char **e = env; *e; e++)
        if (strncmp(*e, "PATH=", 5) == 0)
            path = *e + 5;
    int found_unexecutable = 0, saved_errno = 0;
    const char *start = path;
    for (;;) {
        const char *end = strchr(start, ':');
        size_t dir_len = end ? (size_t)(end - start) : strlen(start);
        char candidate[4096];
        /* An empty PATH element means the current directory, as in POSIX shells. */
        snprintf(candidate, sizeof candidate, "%.*s%s%s", (int)dir_len, start, dir_len ? "/" : "", name);
        execve(candidate, argv, env);
        if (errno != ENOENT && errno != ENOTDIR) {
            found_unexecutable = 1;
            saved_errno = errno;
        }
        if (!end)
            break;
        start = end + 1;
    }
    if (found_unexecutable)
        child_fail(126, "warp-agent: %s: %s\n", name, strerror(saved_errno));
    child_fail(127, "warp-agent: %s: %s\n", name, "command not found");
}

static void become_user(const struct account *a)
{
    if (setgroups((size_t)a->ngroups, a->groups) != 0 || setgid(a->gid) != 0 || setuid(a->uid) != 0)
        child_fail(126, "warp-agent: cannot become user %s: %s\n", a->name, strerror(errno));
}

static void enter_directory(const char *cwd, const char *home)
{
    if (cwd[0]) {
        if (chdir(cwd) != 0)
            child_fail(1, "warp-agent: cannot change directory to %s: %s\n", cwd, strerror(errno));
    } else if (chdir(home) != 0 && chdir("/") != 0) {
        child_fail(1, "warp-agent: cannot change directory to %s: %s\n", home, strerror(errno));
    }
}

static void child(struct exec_request *req, const struct account *account, char **env, int stdio[3],
                  const char *slave_name)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    setsid();
    if (slave_name) {
        int slave = open(slave_name, O_RDWR);
        if (slave < 0)
            _exit(126);
        ioctl(slave, TIOCSCTTY, 0);
        stdio[0] = stdio[1] = stdio[2] = slave;
    }
    for (int i = 0; i < 3; i++)
        if (dup2(stdio[i], i) < 0)
            _exit(126);
    /* Nothing of the agent's (control port, other children's pipes) may leak into the child. */
    syscall(SYS_close_range, 3, ~0u, 0);
    become_user(account);
    enter_directory(req->cwd, account->home);
    exec_in_path(req->argv, env);
}

const char *spawn_child(struct process *p, struct exec_request *req, const struct account *account, char **env)
{
    int stdio[3] = { -1, -1, -1 };
    const char *slave_name = NULL;
    if (p->pty) {
        int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 || !(slave_name = ptsname(master))) {
            if (master >= 0)
                close(master);
            return "cannot allocate a pseudo-terminal";
        }
        struct winsize ws = { .ws_row = req->rows ? req->rows : 24, .ws_col = req->cols ? req->cols : 80 };
        ioctl(master, TIOCSWINSZ, &ws);
        p->out_fd = master;
        p->in_fd = fcntl(master, F_DUPFD_CLOEXEC, 3);
        p->err_fd = -1;
    } else {
        int in[2], out[2], err[2];
        if (pipe2(in, O_CLOEXEC) != 0)
            return "cannot create pipes";
        if (pipe2(out, O_CLOEXEC) != 0) {
            close(in[0]), close(in[1]);
            return "cannot create pipes";
        }
        if (pipe2(err, O_CLOEXEC) != 0) {
            close(in[0]), close(in[1]), close(out[0]), close(out[1]);
            return "cannot create pipes";
        }
        stdio[0] = in[0], stdio[1] = out[1], stdio[2] = err[1];
        p->in_fd = in[1], p->out_fd = out[0], p->err_fd = err[0];
    }
    pid_t pid = fork();
    if (pid == 0)
        child(req, account, env, stdio, slave_name);
    for (int i = 0; i < 3; i++)
        if (stdio[i] >= 0)
            close(stdio[i]);
    if (pid < 0)
        return "cannot fork";
    p->pid = pid;
    set_nonblocking(p->out_fd);
    if (p->err_fd >= 0)
        set_nonblocking(p->err_fd);
    set_nonblocking(p->in_fd);
    return NULL;
}
