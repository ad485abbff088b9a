/* Boot: kernel filesystems, modules, the boot secret, and the switch from the initramfs to the
 * root disk (what switch_root does), plus the unmount and power-off at the end. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"

#define NEW_ROOT "/newroot"

static void mount_or_say(const char *src, const char *target, const char *type, unsigned long flags,
                         const char *data)
{
    mkdir(target, 0755);
    if (mount(src, target, type, flags, data) != 0 && errno != EBUSY)
        say("cannot mount %s on %s: %s", type, target, strerror(errno));
}

void boot_mount_kernel_filesystems(void)
{
    mount_or_say("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_or_say("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount_or_say("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
}

void boot_open_console(void)
{
    /* The kernel found no /dev/console in the initramfs, so stdio is closed until devtmpfs exists. */
    int fd = open("/dev/console", O_RDWR | O_NOCTTY);
    if (fd < 0)
        return;
    for (int i = 0; i < 3; i++)
        if (fd != i)
            dup2(fd, i);
    if (fd > 2)
        close(fd);
}

void boot_load_modules(const char *order_file)
{
    FILE *f = fopen(order_file, "re");
    if (!f) {
        say("no module list %s: %s", order_file, strerror(errno));
        return;
    }
    char path[512];
    int loaded = 0;
    while (fgets(path, sizeof path, f)) {
        path[strcspn(path, "\r\n")] = 0;
        if (!path[0])
            continue;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            say("cannot open module %s: %s", path, strerror(errno));
            continue;
        }
        /* EEXIST: the running kernel has this driver built in or already loaded. */
        if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST)
            say("cannot load module %s: %s", path, strerror(errno));
        else
            loaded++;
        close(fd);
    }
    fclose(f);
    say("loaded %d modules", loaded);
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t boot_read_secret(const char *path, uint8_t secret[32])
{
    char text[80];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        say("no boot secret at %s: %s", path, strerror(errno));
        return 0;
    }
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    /* Removed at once so nothing started later can read it. */
    unlink(path);
    if (n < 0)
        n = 0;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
        n--;
    if (n != 64) {
        say("boot secret %s has %zd characters instead of 64", path, n);
        return 0;
    }
    for (int i = 0; i < 32; i++) {
        int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            say("boot secret %s is not hexadecimal", path);
            return 0;
        }
        secret[i] = (uint8_t)(hi << 4 | lo);
    }
    return 32;
}

/* Returns the value of 'key=' on the kernel command line, or NULL. */
static char *cmdline_value(const char *key)
{
    static char cmdline[4096];
    int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    ssize_t n = read(fd, cmdline, sizeof cmdline - 1);
    close(fd);
    if (n <= 0)
        return NULL;
    cmdline[n] = 0;
    size_t klen = strlen(key);
    for (char *tok = strtok(cmdline, " \n"); tok; tok = strtok(NULL, " \n"))
        if (strncmp(tok, key, klen) == 0 && tok[klen] == '=')
            return tok + klen + 1;
    return NULL;
}

/* Deletes the initramfs' files, staying on its filesystem (so never the new root). */
static void delete_tree(int dirfd, dev_t rootdev)
{
    DIR *d = fdopendir(dirfd);
    if (!d) {
        close(dirfd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_dev != rootdev)
            continue;
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (sub >= 0)
                delete_tree(sub, rootdev);
            unlinkat(dirfd, e->d_name, AT_REMOVEDIR);
        } else {
            unlinkat(dirfd, e->d_name, 0);
        }
    }
    closedir(d);
}

void boot_switch_root(void)
{
    const char *root = cmdline_value("warp.root");
    if (!root) {
        say("the kernel command line has no warp.root=<device>; cannot mount a root disk, powering off");
        power_off();
    }
    char device[256];
    snprintf(device, sizeof device, "%s", root);
    struct stat st;
    double deadline = monotonic_seconds() + 10;
    while (stat(device, &st) != 0) {
        if (monotonic_seconds() > deadline) {
            say("root disk %s did not appear within 10 s; powering off", device);
            power_off();
        }
        usleep(10000);
    }
    mkdir(NEW_ROOT, 0755);
    if (mount(device, NEW_ROOT, "ext4", 0, NULL) != 0) {
        say("cannot mount root disk %s as ext4: %s; powering off", device, strerror(errno));
        power_off();
    }
    static const char *const moved[] = { "/dev", "/proc", "/sys" };
    for (int i = 0; i < 3; i++) {
        char target[64];
        snprintf(target, sizeof target, NEW_ROOT "%s", moved[i]);
        mkdir(target, 0755);
        if (mount(moved[i], target, NULL, MS_MOVE, NULL) != 0)
            say("cannot move %s into the root disk: %s", moved[i], strerror(errno));
    }
    struct stat rootst;
    if (chdir(NEW_ROOT) != 0 || stat("/", &rootst) != 0) {
        say("cannot enter the root disk: %s; powering off", strerror(errno));
        power_off();
    }
    int rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd >= 0)
        delete_tree(rootfd, rootst.st_dev);
    if (mount(".", "/", NULL, MS_MOVE, NULL) != 0 || chroot(".") != 0 || chdir("/") != 0) {
        say("cannot make %s the root: %s; powering off", device, strerror(errno));
        power_off();
    }
    say("root is %s", device);
}

void boot_mount_runtime_filesystems(void)
{
    mount_or_say("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=620,ptmxmode=666");
    mount_or_say("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    mount_or_say("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
}

/* Finds /dev/<port> whose sysfs name is the control port's; returns 1 when found. */
static int find_control_port(char *path, size_t size)
{
    DIR *d = opendir("/sys/class/virtio-ports");
    if (!d)
        return 0;
    struct dirent *e;
    int found = 0;
    while (!found && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char name_path[300], name[128] = { 0 };
        snprintf(name_path, sizeof name_path, "/sys/class/virtio-ports/%s/name", e->d_name);
        int fd = open(name_path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, name, sizeof name - 1);
        close(fd);
        if (n > 0 && name[n - 1] == '\n')
            name[n - 1] = 0;
        if (n > 0 && strcmp(name, CONTROL_PORT_NAME) == 0) {
            snprintf(path, size, "/dev/%s", e->d_name);
            found = 1;
        }
    }
    closedir(d);
    return found;
}

/* A virtio console without multiport (WARP's monitor, QEMU microvm with one virtconsole) has no
 * named port: its only port is the console, /dev/hvc0. A tty by nature, it is put in raw mode so
 * the control plane's bytes pass untouched: no echo, no line editing or signals, no CR/NL
 * translation, no XON/XOFF, 8 bits per byte. */
static int open_virtio_console(const char *path)
{
    int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -1;
    struct termios t;
    if (tcgetattr(fd, &t) != 0) {
        say("control channel %s is not a terminal: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    cfmakeraw(&t);
    t.c_iflag &= ~(IXON | IXOFF | IXANY | IMAXBEL);
    t.c_cflag &= ~(CRTSCTS | HUPCL);
    t.c_cflag |= CLOCAL | CREAD | CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &t) != 0) {
        say("cannot put %s in raw mode: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    /* Whatever arrived before raw mode may have been mangled by the line discipline. */
    tcflush(fd, TCIOFLUSH);
    return fd;
}

int boot_open_control_port(double timeout_seconds, int *is_console)
{
    double deadline = monotonic_seconds() + timeout_seconds;
    char path[300];
    *is_console = 0;
    for (;;) {
        if (find_control_port(path, sizeof path)) {
            int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
            if (fd >= 0)
                return fd;
            if (monotonic_seconds() > deadline) {
                say("cannot open control port %s: %s", path, strerror(errno));
                return -1;
            }
        } else if (access(VIRTIO_CONSOLE_PATH, F_OK) == 0) {
            int fd = open_virtio_console(VIRTIO_CONSOLE_PATH);
            if (fd >= 0) {
                say("control channel is the virtio console %s", VIRTIO_CONSOLE_PATH);
                *is_console = 1;
                return fd;
            }
            if (monotonic_seconds() > deadline) {
                say("cannot open the virtio console %s: %s", VIRTIO_CONSOLE_PATH, strerror(errno));
                return -1;
            }
        } else if (monotonic_seconds() > deadline) {
            say("neither a virtio-serial port named %s nor a virtio console %s appeared within %.0f s", CONTROL_PORT_NAME,
                VIRTIO_CONSOLE_PATH, timeout_seconds);
            return -1;
        }
        usleep(10000);
    }
}

void unmount_all(void)
{
    /* Innermost mounts come last in /proc/self/mounts, so unmount in reverse order. */
    char *targets[256];
    int count = 0;
    FILE *f = fopen("/proc/self/mounts", "re");
    if (f) {
        char line[1024];
        while (count < 256 && fgets(line, sizeof line, f)) {
            char src[256], target[512];
            if (sscanf(line, "%255s %511s", src, target) == 2 && strcmp(target, "/") != 0)
                targets[count++] = xstrdup(target);
        }
        fclose(f);
    }
    for (int i = count - 1; i >= 0; i--) {
        if (strcmp(targets[i], "/dev") && strcmp(targets[i], "/proc") && strcmp(targets[i], "/sys"))
            umount2(targets[i], 0);
        free(targets[i]);
    }
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL) != 0)
        say("cannot remount / read-only: %s", strerror(errno));
}

void power_off(void)
{
    sync();
    reboot(RB_POWER_OFF);
    /* Only reached if the kernel refused; PID 1 must not exit. */
    for (;;)
        pause();
}
