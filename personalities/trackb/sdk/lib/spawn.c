/* Finding programs in the image archive (mapped read-only at WARP_ARCHIVE_VA) and starting them. */
#include "warp.h"

long warp_find_object(const char *name) {
    const uint8_t *a = (const uint8_t *)WARP_ARCHIVE_VA;
    size_t n = strlen(name);
    if (!warp_info()->archive_bytes || memcmp(a, "WARPOBJS", 8)) return WARP_ENOENT;
    uint32_t count = *(const uint32_t *)(a + 12);
    uint64_t at = 64, end = 64 + *(const uint64_t *)(a + 24);
    for (uint32_t i = 0; i < count && at + 56 <= end; i++) {
        uint16_t len = *(const uint16_t *)(a + at + 52);
        if (len == n && at + 56 + len <= end && !memcmp(a + at + 56, name, n)) return i;
        at += (56 + len + 7) & ~7ULL;
    }
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
