/* Internal to process.c and spawn.c. */
#ifndef WARP_PROCESS_H
#define WARP_PROCESS_H

#include "agent.h"

struct process {
    struct process *next;
    uint32_t stream;
    pid_t pid;
    int pty;
    int in_fd, out_fd, err_fd; /* agent's ends; -1 once closed. With a PTY out_fd is the master. */
    uint32_t out_window, err_window; /* bytes the host still accepts on stdout / stderr */
    uint32_t stdin_credit;           /* bytes the host may still send on stdin */
    uint32_t stdin_consumed;         /* written to the child (or dropped) but not yet granted back */
    struct buf stdin_buf;
    int stdin_fin;
    int exited, status;
};

/* Builds the child's environment: defaults, then CONFIG's, then EXEC's entries, later ones winning. */
char **process_environment(struct session *s, struct exec_request *req, const struct account *account, int pty);
/* Creates the pipes or terminal and forks the child; returns NULL, or why it could not. */
const char *spawn_child(struct process *p, struct exec_request *req, const struct account *account, char **env);

#endif
