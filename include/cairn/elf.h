/*
 * ELF64 headers, as far as Cairn loads programs: the kernel loads the
 * root task, core loads every other component. Both check every field
 * before use.
 */
#pragma once

#include <stdint.h>

#define CAIRN_ELF_EXEC    2   /* e_type: executable      */
#define CAIRN_ELF_X86_64  62  /* e_machine               */
#define CAIRN_ELF_PT_LOAD 1   /* p_type: loadable segment */
#define CAIRN_ELF_PF_X    1   /* p_flags */
#define CAIRN_ELF_PF_W    2

struct cairn_elf_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct cairn_elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
