/* PID 1 of the WARP initramfs: boots the guest onto its root disk, then serves the control plane
 * on the virtio-serial port (or the virtio console) until the host shuts the guest down. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"

static void reap_orphans(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

/* Waits until the host end of the port is connected: until then writes would block (spec: retry
 * every 50 ms rather than give up). */
static void wait_for_host(int fd)
{
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };
        if (poll(&pfd, 1, 50) > 0 && (pfd.revents & POLLOUT) && !(pfd.revents & POLLHUP))
            return;
        reap_orphans();
        if (pfd.revents & POLLHUP)
            usleep(50000);
    }
}

/* After a session ended on our side, waits for the host to hang up so the next HELLO starts
 * a fresh connection instead of landing in the old one. */
static void wait_for_hangup(int fd)
{
    char discard[4096];
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (poll(&pfd, 1, 100) > 0) {
            if (read(fd, discard, sizeof discard) == 0 || (pfd.revents & POLLHUP))
                return;
        }
        reap_orphans();
    }
}

int main(void)
{
    if (getpid() != 1) {
        say("must run as PID 1 (the initramfs' /init)");
        return 1;
    }
    boot_mount_kernel_filesystems();
    boot_open_console();
    say("starting %s", AGENT_NAME);
    /* SIGCHLD arrives through a signalfd in the poll loop; SIGPIPE must not kill PID 1. */
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

    boot_load_modules("/warp/modules.order");
    uint8_t secret[32];
    size_t secret_len = boot_read_secret("/warp/boot-secret", secret);
    boot_switch_root();
    boot_mount_runtime_filesystems();

    int is_console;
    int fd = boot_open_control_port(10, &is_console);
    if (fd < 0) {
        say("no control channel; powering off");
        power_off();
    }
    for (;;) {
        wait_for_host(fd);
        say("control channel connected");
        session_run(fd, sigfd, secret, secret_len);
        if (is_console) {
            /* A console never hangs up: the host side stays connected, and a new session starts
             * with a fresh HELLO (VIRTIO-MMIO-CHANNEL.md §3). Stale input of the old one goes. */
            tcflush(fd, TCIFLUSH);
            usleep(100000);
            tcflush(fd, TCIFLUSH);
            continue;
        }
        wait_for_hangup(fd);
    }
}
