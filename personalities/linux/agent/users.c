/* Accounts read straight from the root's /etc/passwd and /etc/group: a static agent cannot rely
 * on NSS, and the image's own files are the truth about its users. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

/* Splits 'line' at ':' into at most 'max' fields; returns the field count. */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == ':') {
            *p = 0;
            fields[n++] = p + 1;
        }
    return n;
}

static int parse_id(const char *s, unsigned long *out)
{
    if (!*s)
        return -1;
    char *end;
    *out = strtoul(s, &end, 10);
    return *end ? -1 : 0;
}

static void add_group(struct account *a, gid_t gid)
{
    for (int i = 0; i < a->ngroups; i++)
        if (a->groups[i] == gid)
            return;
    if (a->ngroups < (int)(sizeof a->groups / sizeof a->groups[0]))
        a->groups[a->ngroups++] = gid;
}

static void read_groups(struct account *a)
{
    a->ngroups = 0;
    add_group(a, a->gid);
    FILE *f = fopen("/etc/group", "re");
    if (!f)
        return;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        char *fields[4];
        unsigned long gid;
        if (split_fields(line, fields, 4) < 4 || parse_id(fields[2], &gid) != 0)
            continue;
        char *save, *member;
        for (member = strtok_r(fields[3], ",", &save); member; member = strtok_r(NULL, ",", &save))
            if (strcmp(member, a->name) == 0)
                add_group(a, (gid_t)gid);
    }
    fclose(f);
}

int account_lookup(const char *user, struct account *out)
{
    unsigned long wanted_uid = 0;
    int numeric = parse_id(user, &wanted_uid) == 0;
    memset(out, 0, sizeof *out);
    FILE *f = fopen("/etc/passwd", "re");
    int found = 0;
    if (f) {
        char line[4096];
        while (!found && fgets(line, sizeof line, f)) {
            char *fields[7];
            unsigned long uid, gid;
            if (split_fields(line, fields, 7) < 7 || parse_id(fields[2], &uid) != 0
                || parse_id(fields[3], &gid) != 0)
                continue;
            if (strcmp(fields[0], user) != 0 && !(numeric && uid == wanted_uid))
                continue;
            out->name = xstrdup(fields[0]);
            out->uid = (uid_t)uid;
            out->gid = (gid_t)gid;
            out->home = xstrdup(fields[5][0] ? fields[5] : "/");
            out->shell = xstrdup(fields[6][0] ? fields[6] : "/bin/sh");
            found = 1;
        }
        fclose(f);
    }
    if (!found && numeric) {
        /* A bare id without a passwd entry still runs, as su and docker allow. */
        out->name = xstrdup(user);
        out->uid = (uid_t)wanted_uid;
        out->gid = (gid_t)wanted_uid;
        out->home = xstrdup("/");
        out->shell = xstrdup("/bin/sh");
        found = 1;
    }
    if (!found)
        return -1;
    read_groups(out);
    return 0;
}

void account_free(struct account *a)
{
    free(a->name);
    free(a->home);
    free(a->shell);
    memset(a, 0, sizeof *a);
}
