/* core: ELF64 executables, every header field checked before use. */
#pragma once

#include <stdint.h>
#include <cairn/status.h>

#define ELF_MAX_SEGMENTS 8

struct elf_segment {
    uint64_t vaddr, memsz, filesz, offset;
    unsigned rights; /* CAIRN_MEM_* */
};

struct elf_image {
    uint64_t entry;
    unsigned count;
    struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* Check `data` and describe its loadable segments: CAIRN_OK, or
 * CAIRN_EINVAL with a message saying what is wrong in *why (why may be
 * NULL). Segments must lie in [lo, hi), page-aligned apart, and must not
 * overlap. */
cairn_status_t elf_parse(const uint8_t *data, uint64_t size, uint64_t lo, uint64_t hi,
                         struct elf_image *img, const char **why);
