/* Finding programs in the image archive (mapped read-only at WARP_ARCHIVE_VA) and starting them. */
#include "warp.h"
#include "warp/archive.h"

long warp_find_object(const char *name) {
    const struct warp_archive_header *h = (const struct warp_archive_header *)WARP_ARCHIVE_VA;
    const struct warp_archive_entry *e;
    size_t n = strlen(name);
    uint64_t at = WARP_ARCHIVE_HEADER_BYTES;
    if (!warp_info()->archive_bytes || memcmp(h->magic, WARP_ARCHIVE_MAGIC, 8)) return WARP_ENOENT;
    for (uint32_t i = 0; i < h->object_count && (e = warp_archive_next(h, &at)); i++)
        if (warp_archive_name_is(h, e, name, n)) return i;
    return WARP_ENOENT;
}

/* As the agent resolves argv[0] (ABI.md §3): an image has no directories, so "/bin/sh" is the object
   bin/sh; a name without '/' is looked for as itself and then under bin/. */
long warp_find_program(const char *name) {
    char path[300];
    if (name[0] == '/') {
        while (*name == '/') name++;
        return warp_find_object(name);
    }
    long obj = warp_find_object(name);
    if (obj < 0 && !memchr(name, '/', strlen(name)) && strlen(name) < 250) {
        snprintf(path, sizeof path, "bin/%s", name);
        obj = warp_find_object(path);
    }
    return obj;
}

long warp_spawn_program(const char *name, int argc, const char *const argv[]) {
    long obj = warp_find_program(name);
    if (obj < 0) return obj;
    static char blob[4096];
    size_t at = 8;
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;
        if (at + l > sizeof blob) return WARP_EINVAL;
        memcpy(blob + at, argv[i], l);
        at += l;
    }
    ((uint32_t *)blob)[0] = (uint32_t)argc;
    ((uint32_t *)blob)[1] = 0;
    struct warp_spawn s = { (uint32_t)obj, 0, 0, (uint64_t)blob, at, 0 };
    return warp_spawn(&s);
}
