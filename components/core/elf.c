/* core: ELF64 executables (elf.h). */
#include "elf.h"
#include <cairn/abi.h>
#include <cairn/elf.h>
#include <string.h>

/* Not a usable program: CAIRN_EINVAL, and the reason into *why if asked. */
static cairn_status_t elf_refuse(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return CAIRN_EINVAL;
}

static cairn_status_t elf_segment(const struct cairn_elf_phdr *ph, uint64_t size, uint64_t lo,
                                  uint64_t hi, struct elf_segment *s, const char **why)
{
    if (ph->filesz > ph->memsz)
        return elf_refuse(why, "segment's file size exceeds its memory size");
    if (ph->offset > size || ph->filesz > size - ph->offset)
        return elf_refuse(why, "segment lies outside the file");
    if (ph->vaddr < lo || ph->vaddr >= hi || ph->memsz > hi - ph->vaddr || !ph->memsz)
        return elf_refuse(why, "segment address out of range");
    if ((ph->vaddr & 4095) != (ph->offset & 4095))
        return elf_refuse(why, "segment offset and address disagree modulo the page size");
    *s = (struct elf_segment){ ph->vaddr, ph->memsz, ph->filesz, ph->offset,
                               CAIRN_MEM_R | ((ph->flags & CAIRN_ELF_PF_W) ? CAIRN_MEM_W : 0) |
                                   ((ph->flags & CAIRN_ELF_PF_X) ? CAIRN_MEM_X : 0) };
    return CAIRN_OK;
}

cairn_status_t elf_parse(const uint8_t *data, uint64_t size, uint64_t lo, uint64_t hi,
                         struct elf_image *img, const char **why)
{
    const struct cairn_elf_ehdr *eh = (const void *)data;
    if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4))
        return elf_refuse(why, "not an ELF file");
    if (eh->ident[4] != 2 || eh->ident[5] != 1 || eh->machine != CAIRN_ELF_X86_64)
        return elf_refuse(why, "not a little-endian x86_64 ELF file");
    if (eh->type != CAIRN_ELF_EXEC)
        return elf_refuse(why, "not a static executable (ELF type EXEC)");
    if (eh->phentsize != sizeof(struct cairn_elf_phdr) || eh->phoff > size ||
        eh->phnum > (size - eh->phoff) / sizeof(struct cairn_elf_phdr))
        return elf_refuse(why, "program headers lie outside the file");
    img->entry = eh->entry;
    img->count = 0;
    for (unsigned i = 0; i < eh->phnum; i++) {
        struct cairn_elf_phdr ph;
        memcpy(&ph, data + eh->phoff + i * sizeof(ph), sizeof(ph)); /* may be unaligned */
        if (ph.type != CAIRN_ELF_PT_LOAD)
            continue;
        if (img->count == ELF_MAX_SEGMENTS)
            return elf_refuse(why, "too many loadable segments");
        struct elf_segment *s = &img->seg[img->count];
        cairn_status_t st = elf_segment(&ph, size, lo, hi, s, why);
        if (st != CAIRN_OK)
            return st;
        for (unsigned j = 0; j < img->count; j++) {
            const struct elf_segment *t = &img->seg[j];
            uint64_t a0 = s->vaddr & ~4095ull, a1 = (s->vaddr + s->memsz + 4095) & ~4095ull;
            uint64_t b0 = t->vaddr & ~4095ull, b1 = (t->vaddr + t->memsz + 4095) & ~4095ull;
            if (a0 < b1 && b0 < a1)
                return elf_refuse(why, "loadable segments share a page");
        }
        img->count++;
    }
    if (!img->count)
        return elf_refuse(why, "no loadable segment");
    for (unsigned i = 0; i < img->count; i++)
        if (img->entry >= img->seg[i].vaddr && img->entry < img->seg[i].vaddr + img->seg[i].memsz &&
            (img->seg[i].rights & CAIRN_MEM_X))
            return CAIRN_OK;
    return elf_refuse(why, "entry point is not in an executable segment");
}
