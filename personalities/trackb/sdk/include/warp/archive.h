/*
 * The image archive's header and index (integration-contracts/trackb/IMAGE-FORMAT.md §1), as the
 * kernel reads them in the boot module and programs read them at WARP_ARCHIVE_VA: one description
 * of the layout for both. The host has checked the whole archive at import and the kernel checks
 * the header at boot; walking stays inside the index the header states all the same.
 */
#ifndef WARP_ARCHIVE_H
#define WARP_ARCHIVE_H

#include <stdint.h>

#define WARP_ARCHIVE_MAGIC         "WARPOBJS"
#define WARP_ARCHIVE_VERSION       1
#define WARP_ARCHIVE_HEADER_BYTES  64
#define WARP_ARCHIVE_MAX_OBJECTS   4096
#define WARP_OBJECT_EXECUTABLE     1

struct warp_archive_header {
    char magic[8];
    uint32_t format_version, object_count;
    uint64_t index_offset, index_bytes, archive_bytes;
    uint8_t reserved[24];
};

struct warp_archive_entry {
    uint64_t offset, length;
    uint8_t sha256[32];
    uint32_t flags;
    uint16_t name_length, reserved;
    char name[];               /* name_length bytes, no NUL, then zeros to a multiple of 8 */
};

_Static_assert(sizeof(struct warp_archive_header) == WARP_ARCHIVE_HEADER_BYTES, "IMAGE-FORMAT.md header");
_Static_assert(sizeof(struct warp_archive_entry) == 56, "IMAGE-FORMAT.md index entry");

/* The index entry at offset *at (start with WARP_ARCHIVE_HEADER_BYTES, where the index begins) and
   moves *at to the next one; 0 once no whole fixed part is left in the index. No more work than the
   walk itself: the kernel spawns through this with every instruction emulated. */
static inline const struct warp_archive_entry *warp_archive_next(const struct warp_archive_header *h, uint64_t *at) {
    uint64_t pos = *at;
    if (pos + sizeof(struct warp_archive_entry) > WARP_ARCHIVE_HEADER_BYTES + h->index_bytes) return 0;
    const struct warp_archive_entry *e = (const struct warp_archive_entry *)((const uint8_t *)h + pos);
    *at = pos + ((sizeof(struct warp_archive_entry) + e->name_length + 7) & ~7ULL);
    return e;
}

/* Whether e, an entry of h's index, is named by the n bytes at name (its name must lie in the index). */
static inline int warp_archive_name_is(const struct warp_archive_header *h, const struct warp_archive_entry *e,
                                       const char *name, uint64_t n) {
    uint64_t start = (uint64_t)((const uint8_t *)e->name - (const uint8_t *)h);
    if (e->name_length != n || start + n > WARP_ARCHIVE_HEADER_BYTES + h->index_bytes) return 0;
    for (uint64_t k = 0; k < n; k++)
        if (e->name[k] != name[k]) return 0;
    return 1;
}

#endif
