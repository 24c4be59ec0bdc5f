// SOURCES: components/vmm/insn.c
/*
 * Host tests of the VMM's x86 instruction decoder and emulator (insn).
 *
 * The encodings in `vectors` were produced with the GNU assembler (Intel
 * syntax, .code16/.code32/.code64) and objdump; the expected effective
 * addresses were computed from the assembler text with the register values
 * of reg_value(). Arithmetic flags are checked against fixed known results
 * and, on an x86-64 host, against the host CPU's own results.
 */
#include "host.h"

#include "../../components/vmm/insn.h"

struct vector {
    enum insn_mode mode;
    uint8_t len;
    uint8_t bytes[INSN_MAX_LEN];
    uint64_t ea;
    uint8_t memsize;
    enum insn_op op;
    bool read, write;
    const char *text;
};

static const struct vector vectors[] = {
    { INSN_64, 2, { 0x8b, 0x00 }, 0x9e3779b97f4a7c15ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rax]" },
    { INSN_64, 6, { 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0x9e3779b97f4a7c15ull, 4, INSN_MOV, 0, 1, "mov dword ptr [rax], 0x12345678" },
    { INSN_64, 3, { 0x44, 0x88, 0x08 }, 0x9e3779b97f4a7c15ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rax], r9b" },
    { INSN_64, 4, { 0x48, 0x83, 0x00, 0x7f }, 0x9e3779b97f4a7c15ull, 8, INSN_ADD, 1, 1, "add qword ptr [rax], 0x7f" },
    { INSN_64, 3, { 0x8b, 0x43, 0x10 }, 0x78dde6e5fd29f064ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rbx+0x10]" },
    { INSN_64, 7, { 0xc7, 0x43, 0x10, 0x78, 0x56, 0x34, 0x12 }, 0x78dde6e5fd29f064ull, 4, INSN_MOV, 0, 1, "mov dword ptr [rbx+0x10], 0x12345678" },
    { INSN_64, 4, { 0x44, 0x88, 0x4b, 0x10 }, 0x78dde6e5fd29f064ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rbx+0x10], r9b" },
    { INSN_64, 5, { 0x48, 0x83, 0x43, 0x10, 0x7f }, 0x78dde6e5fd29f064ull, 8, INSN_ADD, 1, 1, "add qword ptr [rbx+0x10], 0x7f" },
    { INSN_64, 3, { 0x8b, 0x45, 0x00 }, 0xb54cda58fbbee87eull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rbp]" },
    { INSN_64, 7, { 0xc7, 0x45, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0xb54cda58fbbee87eull, 4, INSN_MOV, 0, 1, "mov dword ptr [rbp], 0x12345678" },
    { INSN_64, 4, { 0x44, 0x88, 0x4d, 0x00 }, 0xb54cda58fbbee87eull, 1, INSN_MOV, 0, 1, "mov byte ptr [rbp], r9b" },
    { INSN_64, 5, { 0x48, 0x83, 0x45, 0x00, 0x7f }, 0xb54cda58fbbee87eull, 8, INSN_ADD, 1, 1, "add qword ptr [rbp], 0x7f" },
    { INSN_64, 6, { 0x8b, 0x85, 0x78, 0x56, 0x34, 0x12 }, 0xb54cda590df33ef6ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rbp+0x12345678]" },
    { INSN_64, 10, { 0xc7, 0x85, 0x78, 0x56, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12 }, 0xb54cda590df33ef6ull, 4, INSN_MOV, 0, 1, "mov dword ptr [rbp+0x12345678], 0x12345678" },
    { INSN_64, 7, { 0x44, 0x88, 0x8d, 0x78, 0x56, 0x34, 0x12 }, 0xb54cda590df33ef6ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rbp+0x12345678], r9b" },
    { INSN_64, 8, { 0x48, 0x83, 0x85, 0x78, 0x56, 0x34, 0x12, 0x7f }, 0xb54cda590df33ef6ull, 8, INSN_ADD, 1, 1, "add qword ptr [rbp+0x12345678], 0x7f" },
    { INSN_64, 3, { 0x8b, 0x04, 0x24 }, 0x1715609f7c746c69ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rsp]" },
    { INSN_64, 7, { 0xc7, 0x04, 0x24, 0x78, 0x56, 0x34, 0x12 }, 0x1715609f7c746c69ull, 4, INSN_MOV, 0, 1, "mov dword ptr [rsp], 0x12345678" },
    { INSN_64, 4, { 0x44, 0x88, 0x0c, 0x24 }, 0x1715609f7c746c69ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rsp], r9b" },
    { INSN_64, 5, { 0x48, 0x83, 0x04, 0x24, 0x7f }, 0x1715609f7c746c69ull, 8, INSN_ADD, 1, 1, "add qword ptr [rsp], 0x7f" },
    { INSN_64, 4, { 0x8b, 0x44, 0x24, 0x08 }, 0x1715609f7c746c71ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rsp+8]" },
    { INSN_64, 8, { 0xc7, 0x44, 0x24, 0x08, 0x78, 0x56, 0x34, 0x12 }, 0x1715609f7c746c71ull, 4, INSN_MOV, 0, 1, "mov dword ptr [rsp+8], 0x12345678" },
    { INSN_64, 5, { 0x44, 0x88, 0x4c, 0x24, 0x08 }, 0x1715609f7c746c71ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rsp+8], r9b" },
    { INSN_64, 6, { 0x48, 0x83, 0x44, 0x24, 0x08, 0x7f }, 0x1715609f7c746c71ull, 8, INSN_ADD, 1, 1, "add qword ptr [rsp+8], 0x7f" },
    { INSN_64, 4, { 0x41, 0x8b, 0x04, 0x24 }, 0x8d12e6b76c84d11ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [r12]" },
    { INSN_64, 8, { 0x41, 0xc7, 0x04, 0x24, 0x78, 0x56, 0x34, 0x12 }, 0x8d12e6b76c84d11ull, 4, INSN_MOV, 0, 1, "mov dword ptr [r12], 0x12345678" },
    { INSN_64, 4, { 0x45, 0x88, 0x0c, 0x24 }, 0x8d12e6b76c84d11ull, 1, INSN_MOV, 0, 1, "mov byte ptr [r12], r9b" },
    { INSN_64, 5, { 0x49, 0x83, 0x04, 0x24, 0x7f }, 0x8d12e6b76c84d11ull, 8, INSN_ADD, 1, 1, "add qword ptr [r12], 0x7f" },
    { INSN_64, 4, { 0x41, 0x8b, 0x45, 0x00 }, 0xa708a824f612c926ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [r13]" },
    { INSN_64, 8, { 0x41, 0xc7, 0x45, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0xa708a824f612c926ull, 4, INSN_MOV, 0, 1, "mov dword ptr [r13], 0x12345678" },
    { INSN_64, 4, { 0x45, 0x88, 0x4d, 0x00 }, 0xa708a824f612c926ull, 1, INSN_MOV, 0, 1, "mov byte ptr [r13], r9b" },
    { INSN_64, 5, { 0x49, 0x83, 0x45, 0x00, 0x7f }, 0xa708a824f612c926ull, 8, INSN_ADD, 1, 1, "add qword ptr [r13], 0x7f" },
    { INSN_64, 4, { 0x41, 0x8b, 0x45, 0xf0 }, 0xa708a824f612c916ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [r13-0x10]" },
    { INSN_64, 8, { 0x41, 0xc7, 0x45, 0xf0, 0x78, 0x56, 0x34, 0x12 }, 0xa708a824f612c916ull, 4, INSN_MOV, 0, 1, "mov dword ptr [r13-0x10], 0x12345678" },
    { INSN_64, 4, { 0x45, 0x88, 0x4d, 0xf0 }, 0xa708a824f612c916ull, 1, INSN_MOV, 0, 1, "mov byte ptr [r13-0x10], r9b" },
    { INSN_64, 5, { 0x49, 0x83, 0x45, 0xf0, 0x7f }, 0xa708a824f612c916ull, 8, INSN_ADD, 1, 1, "add qword ptr [r13-0x10], 0x7f" },
    { INSN_64, 3, { 0x8b, 0x04, 0x08 }, 0xdaa66d2c7ddf743full, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rax+rcx*1]" },
    { INSN_64, 7, { 0xc7, 0x04, 0x08, 0x78, 0x56, 0x34, 0x12 }, 0xdaa66d2c7ddf743full, 4, INSN_MOV, 0, 1, "mov dword ptr [rax+rcx*1], 0x12345678" },
    { INSN_64, 4, { 0x44, 0x88, 0x0c, 0x08 }, 0xdaa66d2c7ddf743full, 1, INSN_MOV, 0, 1, "mov byte ptr [rax+rcx*1], r9b" },
    { INSN_64, 5, { 0x48, 0x83, 0x04, 0x08, 0x7f }, 0xdaa66d2c7ddf743full, 8, INSN_ADD, 1, 1, "add qword ptr [rax+rcx*1], 0x7f" },
    { INSN_64, 4, { 0x8b, 0x44, 0x48, 0x7f }, 0x1715609f7c746ce8ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rax+rcx*2+0x7f]" },
    { INSN_64, 8, { 0xc7, 0x44, 0x48, 0x7f, 0x78, 0x56, 0x34, 0x12 }, 0x1715609f7c746ce8ull, 4, INSN_MOV, 0, 1, "mov dword ptr [rax+rcx*2+0x7f], 0x12345678" },
    { INSN_64, 5, { 0x44, 0x88, 0x4c, 0x48, 0x7f }, 0x1715609f7c746ce8ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rax+rcx*2+0x7f], r9b" },
    { INSN_64, 6, { 0x48, 0x83, 0x44, 0x48, 0x7f, 0x7f }, 0x1715609f7c746ce8ull, 8, INSN_ADD, 1, 1, "add qword ptr [rax+rcx*2+0x7f], 0x7f" },
    { INSN_64, 4, { 0x8b, 0x44, 0xbe, 0x80 }, 0x1a738b426458e6b3ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rsi+rdi*4-0x80]" },
    { INSN_64, 8, { 0xc7, 0x44, 0xbe, 0x80, 0x78, 0x56, 0x34, 0x12 }, 0x1a738b426458e6b3ull, 4, INSN_MOV, 0, 1, "mov dword ptr [rsi+rdi*4-0x80], 0x12345678" },
    { INSN_64, 5, { 0x44, 0x88, 0x4c, 0xbe, 0x80 }, 0x1a738b426458e6b3ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rsi+rdi*4-0x80], r9b" },
    { INSN_64, 6, { 0x48, 0x83, 0x44, 0xbe, 0x80, 0x7f }, 0x1a738b426458e6b3ull, 8, INSN_ADD, 1, 1, "add qword ptr [rsi+rdi*4-0x80], 0x7f" },
    { INSN_64, 8, { 0x42, 0x8b, 0x84, 0xca, 0x00, 0x10, 0x00, 0x00 }, 0x4bfc772445264acfull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rdx+r9*8+0x1000]" },
    { INSN_64, 12, { 0x42, 0xc7, 0x84, 0xca, 0x00, 0x10, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0x4bfc772445264acfull, 4, INSN_MOV, 0, 1, "mov dword ptr [rdx+r9*8+0x1000], 0x12345678" },
    { INSN_64, 8, { 0x46, 0x88, 0x8c, 0xca, 0x00, 0x10, 0x00, 0x00 }, 0x4bfc772445264acfull, 1, INSN_MOV, 0, 1, "mov byte ptr [rdx+r9*8+0x1000], r9b" },
    { INSN_64, 9, { 0x4a, 0x83, 0x84, 0xca, 0x00, 0x10, 0x00, 0x00, 0x7f }, 0x4bfc772445264acfull, 8, INSN_ADD, 1, 1, "add qword ptr [rdx+r9*8+0x1000], 0x7f" },
    { INSN_64, 4, { 0x43, 0x8b, 0x04, 0x78 }, 0x56e27eb562eddf5dull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [r8+r15*2]" },
    { INSN_64, 8, { 0x43, 0xc7, 0x04, 0x78, 0x78, 0x56, 0x34, 0x12 }, 0x56e27eb562eddf5dull, 4, INSN_MOV, 0, 1, "mov dword ptr [r8+r15*2], 0x12345678" },
    { INSN_64, 4, { 0x47, 0x88, 0x0c, 0x78 }, 0x56e27eb562eddf5dull, 1, INSN_MOV, 0, 1, "mov byte ptr [r8+r15*2], r9b" },
    { INSN_64, 5, { 0x4b, 0x83, 0x04, 0x78, 0x7f }, 0x56e27eb562eddf5dull, 8, INSN_ADD, 1, 1, "add qword ptr [r8+r15*2], 0x7f" },
    { INSN_64, 4, { 0x42, 0x8b, 0x04, 0xa4 }, 0x3a5a1a4d5795a0adull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rsp+r12*4]" },
    { INSN_64, 8, { 0x42, 0xc7, 0x04, 0xa4, 0x78, 0x56, 0x34, 0x12 }, 0x3a5a1a4d5795a0adull, 4, INSN_MOV, 0, 1, "mov dword ptr [rsp+r12*4], 0x12345678" },
    { INSN_64, 4, { 0x46, 0x88, 0x0c, 0xa4 }, 0x3a5a1a4d5795a0adull, 1, INSN_MOV, 0, 1, "mov byte ptr [rsp+r12*4], r9b" },
    { INSN_64, 5, { 0x4a, 0x83, 0x04, 0xa4, 0x7f }, 0x3a5a1a4d5795a0adull, 8, INSN_ADD, 1, 1, "add qword ptr [rsp+r12*4], 0x7f" },
    { INSN_64, 4, { 0x8b, 0x44, 0xc5, 0x00 }, 0xa708a824f612c926ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rbp+rax*8]" },
    { INSN_64, 8, { 0xc7, 0x44, 0xc5, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0xa708a824f612c926ull, 4, INSN_MOV, 0, 1, "mov dword ptr [rbp+rax*8], 0x12345678" },
    { INSN_64, 5, { 0x44, 0x88, 0x4c, 0xc5, 0x00 }, 0xa708a824f612c926ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rbp+rax*8], r9b" },
    { INSN_64, 6, { 0x48, 0x83, 0x44, 0xc5, 0x00, 0x7f }, 0xa708a824f612c926ull, 8, INSN_ADD, 1, 1, "add qword ptr [rbp+rax*8], 0x7f" },
    { INSN_64, 7, { 0x8b, 0x04, 0x9d, 0x00, 0x01, 0x00, 0x00 }, 0xe3779b97f4a7c250ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rbx*4+0x100]" },
    { INSN_64, 11, { 0xc7, 0x04, 0x9d, 0x00, 0x01, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0xe3779b97f4a7c250ull, 4, INSN_MOV, 0, 1, "mov dword ptr [rbx*4+0x100], 0x12345678" },
    { INSN_64, 8, { 0x44, 0x88, 0x0c, 0x9d, 0x00, 0x01, 0x00, 0x00 }, 0xe3779b97f4a7c250ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rbx*4+0x100], r9b" },
    { INSN_64, 9, { 0x48, 0x83, 0x04, 0x9d, 0x00, 0x01, 0x00, 0x00, 0x7f }, 0xe3779b97f4a7c250ull, 8, INSN_ADD, 1, 1, "add qword ptr [rbx*4+0x100], 0x7f" },
    { INSN_64, 8, { 0x42, 0x8b, 0x04, 0x6d, 0x00, 0x00, 0x00, 0x00 }, 0x4e115049ec25924cull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [r13*2]" },
    { INSN_64, 12, { 0x42, 0xc7, 0x04, 0x6d, 0x00, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0x4e115049ec25924cull, 4, INSN_MOV, 0, 1, "mov dword ptr [r13*2], 0x12345678" },
    { INSN_64, 8, { 0x46, 0x88, 0x0c, 0x6d, 0x00, 0x00, 0x00, 0x00 }, 0x4e115049ec25924cull, 1, INSN_MOV, 0, 1, "mov byte ptr [r13*2], r9b" },
    { INSN_64, 9, { 0x4a, 0x83, 0x04, 0x6d, 0x00, 0x00, 0x00, 0x00, 0x7f }, 0x4e115049ec25924cull, 8, INSN_ADD, 1, 1, "add qword ptr [r13*2], 0x7f" },
    { INSN_64, 7, { 0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12 }, 0x12345678ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [0x12345678]" },
    { INSN_64, 11, { 0xc7, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12 }, 0x12345678ull, 4, INSN_MOV, 0, 1, "mov dword ptr [0x12345678], 0x12345678" },
    { INSN_64, 8, { 0x44, 0x88, 0x0c, 0x25, 0x78, 0x56, 0x34, 0x12 }, 0x12345678ull, 1, INSN_MOV, 0, 1, "mov byte ptr [0x12345678], r9b" },
    { INSN_64, 9, { 0x48, 0x83, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12, 0x7f }, 0x12345678ull, 8, INSN_ADD, 1, 1, "add qword ptr [0x12345678], 0x7f" },
    { INSN_64, 6, { 0x8b, 0x05, 0x00, 0x01, 0x00, 0x00 }, 0x7fff00001106ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rip+0x100]" },
    { INSN_64, 10, { 0xc7, 0x05, 0x00, 0x01, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0x7fff0000110aull, 4, INSN_MOV, 0, 1, "mov dword ptr [rip+0x100], 0x12345678" },
    { INSN_64, 7, { 0x44, 0x88, 0x0d, 0x00, 0x01, 0x00, 0x00 }, 0x7fff00001107ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rip+0x100], r9b" },
    { INSN_64, 8, { 0x48, 0x83, 0x05, 0x00, 0x01, 0x00, 0x00, 0x7f }, 0x7fff00001108ull, 8, INSN_ADD, 1, 1, "add qword ptr [rip+0x100], 0x7f" },
    { INSN_64, 6, { 0x8b, 0x05, 0xf0, 0xff, 0xff, 0xff }, 0x7fff00000ff6ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [rip-0x10]" },
    { INSN_64, 10, { 0xc7, 0x05, 0xf0, 0xff, 0xff, 0xff, 0x78, 0x56, 0x34, 0x12 }, 0x7fff00000ffaull, 4, INSN_MOV, 0, 1, "mov dword ptr [rip-0x10], 0x12345678" },
    { INSN_64, 7, { 0x44, 0x88, 0x0d, 0xf0, 0xff, 0xff, 0xff }, 0x7fff00000ff7ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rip-0x10], r9b" },
    { INSN_64, 8, { 0x48, 0x83, 0x05, 0xf0, 0xff, 0xff, 0xff, 0x7f }, 0x7fff00000ff8ull, 8, INSN_ADD, 1, 1, "add qword ptr [rip-0x10], 0x7f" },
    { INSN_64, 3, { 0x67, 0x8b, 0x00 }, 0x7f4a7c15ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [eax]" },
    { INSN_64, 7, { 0x67, 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0x7f4a7c15ull, 4, INSN_MOV, 0, 1, "mov dword ptr [eax], 0x12345678" },
    { INSN_64, 4, { 0x67, 0x44, 0x88, 0x08 }, 0x7f4a7c15ull, 1, INSN_MOV, 0, 1, "mov byte ptr [eax], r9b" },
    { INSN_64, 5, { 0x67, 0x48, 0x83, 0x00, 0x7f }, 0x7f4a7c15ull, 8, INSN_ADD, 1, 1, "add qword ptr [eax], 0x7f" },
    { INSN_64, 5, { 0x67, 0x8b, 0x44, 0x58, 0x04 }, 0x799e5cc1ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [eax+ebx*2+4]" },
    { INSN_64, 9, { 0x67, 0xc7, 0x44, 0x58, 0x04, 0x78, 0x56, 0x34, 0x12 }, 0x799e5cc1ull, 4, INSN_MOV, 0, 1, "mov dword ptr [eax+ebx*2+4], 0x12345678" },
    { INSN_64, 6, { 0x67, 0x44, 0x88, 0x4c, 0x58, 0x04 }, 0x799e5cc1ull, 1, INSN_MOV, 0, 1, "mov byte ptr [eax+ebx*2+4], r9b" },
    { INSN_64, 7, { 0x67, 0x48, 0x83, 0x44, 0x58, 0x04, 0x7f }, 0x799e5cc1ull, 8, INSN_ADD, 1, 1, "add qword ptr [eax+ebx*2+4], 0x7f" },
    { INSN_64, 6, { 0x67, 0x43, 0x8b, 0x44, 0xc8, 0xff }, 0x40e5234cull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [r8d+r9d*8-1]" },
    { INSN_64, 10, { 0x67, 0x43, 0xc7, 0x44, 0xc8, 0xff, 0x78, 0x56, 0x34, 0x12 }, 0x40e5234cull, 4, INSN_MOV, 0, 1, "mov dword ptr [r8d+r9d*8-1], 0x12345678" },
    { INSN_64, 6, { 0x67, 0x47, 0x88, 0x4c, 0xc8, 0xff }, 0x40e5234cull, 1, INSN_MOV, 0, 1, "mov byte ptr [r8d+r9d*8-1], r9b" },
    { INSN_64, 7, { 0x67, 0x4b, 0x83, 0x44, 0xc8, 0xff, 0x7f }, 0x40e5234cull, 8, INSN_ADD, 1, 1, "add qword ptr [r8d+r9d*8-1], 0x7f" },
    { INSN_64, 7, { 0x67, 0x8b, 0x05, 0x20, 0x00, 0x00, 0x00 }, 0x1027ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [eip+0x20]" },
    { INSN_64, 11, { 0x67, 0xc7, 0x05, 0x20, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0x102bull, 4, INSN_MOV, 0, 1, "mov dword ptr [eip+0x20], 0x12345678" },
    { INSN_64, 8, { 0x67, 0x44, 0x88, 0x0d, 0x20, 0x00, 0x00, 0x00 }, 0x1028ull, 1, INSN_MOV, 0, 1, "mov byte ptr [eip+0x20], r9b" },
    { INSN_64, 9, { 0x67, 0x48, 0x83, 0x05, 0x20, 0x00, 0x00, 0x00, 0x7f }, 0x1029ull, 8, INSN_ADD, 1, 1, "add qword ptr [eip+0x20], 0x7f" },
    { INSN_64, 4, { 0x43, 0x8b, 0x04, 0x2c }, 0xafd9d6906cdb1637ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [r12+r13*1]" },
    { INSN_64, 8, { 0x43, 0xc7, 0x04, 0x2c, 0x78, 0x56, 0x34, 0x12 }, 0xafd9d6906cdb1637ull, 4, INSN_MOV, 0, 1, "mov dword ptr [r12+r13*1], 0x12345678" },
    { INSN_64, 4, { 0x47, 0x88, 0x0c, 0x2c }, 0xafd9d6906cdb1637ull, 1, INSN_MOV, 0, 1, "mov byte ptr [r12+r13*1], r9b" },
    { INSN_64, 5, { 0x4b, 0x83, 0x04, 0x2c, 0x7f }, 0xafd9d6906cdb1637ull, 8, INSN_ADD, 1, 1, "add qword ptr [r12+r13*1], 0x7f" },
    { INSN_64, 4, { 0x67, 0x8b, 0x04, 0x24 }, 0x7c746c69ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [esp]" },
    { INSN_64, 8, { 0x67, 0xc7, 0x04, 0x24, 0x78, 0x56, 0x34, 0x12 }, 0x7c746c69ull, 4, INSN_MOV, 0, 1, "mov dword ptr [esp], 0x12345678" },
    { INSN_64, 5, { 0x67, 0x44, 0x88, 0x0c, 0x24 }, 0x7c746c69ull, 1, INSN_MOV, 0, 1, "mov byte ptr [esp], r9b" },
    { INSN_64, 6, { 0x67, 0x48, 0x83, 0x04, 0x24, 0x7f }, 0x7c746c69ull, 8, INSN_ADD, 1, 1, "add qword ptr [esp], 0x7f" },
    { INSN_64, 4, { 0x67, 0x8b, 0x45, 0x40 }, 0xfbbee8beull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [ebp+0x40]" },
    { INSN_64, 8, { 0x67, 0xc7, 0x45, 0x40, 0x78, 0x56, 0x34, 0x12 }, 0xfbbee8beull, 4, INSN_MOV, 0, 1, "mov dword ptr [ebp+0x40], 0x12345678" },
    { INSN_64, 5, { 0x67, 0x44, 0x88, 0x4d, 0x40 }, 0xfbbee8beull, 1, INSN_MOV, 0, 1, "mov byte ptr [ebp+0x40], r9b" },
    { INSN_64, 6, { 0x67, 0x48, 0x83, 0x45, 0x40, 0x7f }, 0xfbbee8beull, 8, INSN_ADD, 1, 1, "add qword ptr [ebp+0x40], 0x7f" },
    { INSN_64, 3, { 0x64, 0x8b, 0x00 }, 0x9e3779b97f4a7c15ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr fs:[rax]" },
    { INSN_64, 7, { 0x64, 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0x9e3779b97f4a7c15ull, 4, INSN_MOV, 0, 1, "mov dword ptr fs:[rax], 0x12345678" },
    { INSN_64, 4, { 0x64, 0x44, 0x88, 0x08 }, 0x9e3779b97f4a7c15ull, 1, INSN_MOV, 0, 1, "mov byte ptr fs:[rax], r9b" },
    { INSN_64, 5, { 0x64, 0x48, 0x83, 0x00, 0x7f }, 0x9e3779b97f4a7c15ull, 8, INSN_ADD, 1, 1, "add qword ptr fs:[rax], 0x7f" },
    { INSN_64, 8, { 0x65, 0x8b, 0x04, 0x25, 0x10, 0x00, 0x00, 0x00 }, 0x10ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr gs:[0x10]" },
    { INSN_64, 12, { 0x65, 0xc7, 0x04, 0x25, 0x10, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0x10ull, 4, INSN_MOV, 0, 1, "mov dword ptr gs:[0x10], 0x12345678" },
    { INSN_64, 9, { 0x65, 0x44, 0x88, 0x0c, 0x25, 0x10, 0x00, 0x00, 0x00 }, 0x10ull, 1, INSN_MOV, 0, 1, "mov byte ptr gs:[0x10], r9b" },
    { INSN_64, 10, { 0x65, 0x48, 0x83, 0x04, 0x25, 0x10, 0x00, 0x00, 0x00, 0x7f }, 0x10ull, 8, INSN_ADD, 1, 1, "add qword ptr gs:[0x10], 0x7f" },
    { INSN_64, 4, { 0x3e, 0x8b, 0x45, 0x08 }, 0xb54cda58fbbee886ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr ds:[rbp+8]" },
    { INSN_64, 8, { 0x3e, 0xc7, 0x45, 0x08, 0x78, 0x56, 0x34, 0x12 }, 0xb54cda58fbbee886ull, 4, INSN_MOV, 0, 1, "mov dword ptr ds:[rbp+8], 0x12345678" },
    { INSN_64, 5, { 0x3e, 0x44, 0x88, 0x4d, 0x08 }, 0xb54cda58fbbee886ull, 1, INSN_MOV, 0, 1, "mov byte ptr ds:[rbp+8], r9b" },
    { INSN_64, 6, { 0x3e, 0x48, 0x83, 0x45, 0x08, 0x7f }, 0xb54cda58fbbee886ull, 8, INSN_ADD, 1, 1, "add qword ptr ds:[rbp+8], 0x7f" },
    { INSN_64, 5, { 0x43, 0x8b, 0x44, 0x23, 0x10 }, 0x736ae31d6e461e1dull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [r11+r12*1+0x10]" },
    { INSN_64, 9, { 0x43, 0xc7, 0x44, 0x23, 0x10, 0x78, 0x56, 0x34, 0x12 }, 0x736ae31d6e461e1dull, 4, INSN_MOV, 0, 1, "mov dword ptr [r11+r12*1+0x10], 0x12345678" },
    { INSN_64, 5, { 0x47, 0x88, 0x4c, 0x23, 0x10 }, 0x736ae31d6e461e1dull, 1, INSN_MOV, 0, 1, "mov byte ptr [r11+r12*1+0x10], r9b" },
    { INSN_64, 6, { 0x4b, 0x83, 0x44, 0x23, 0x10, 0x7f }, 0x736ae31d6e461e1dull, 8, INSN_ADD, 1, 1, "add qword ptr [r11+r12*1+0x10], 0x7f" },
    { INSN_64, 2, { 0x88, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rdi], al" },
    { INSN_64, 2, { 0x88, 0x27 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rdi], ah" },
    { INSN_64, 3, { 0x40, 0x88, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rdi], sil" },
    { INSN_64, 3, { 0x44, 0x88, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rdi], r8b" },
    { INSN_64, 3, { 0x66, 0x89, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_MOV, 0, 1, "mov word ptr [rdi], ax" },
    { INSN_64, 2, { 0x89, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_MOV, 0, 1, "mov dword ptr [rdi], eax" },
    { INSN_64, 3, { 0x48, 0x89, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_MOV, 0, 1, "mov qword ptr [rdi], rax" },
    { INSN_64, 3, { 0x4c, 0x89, 0x3f }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_MOV, 0, 1, "mov qword ptr [rdi], r15" },
    { INSN_64, 2, { 0x8a, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_MOV, 1, 0, "mov al, byte ptr [rdi]" },
    { INSN_64, 2, { 0x8a, 0x3f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_MOV, 1, 0, "mov bh, byte ptr [rdi]" },
    { INSN_64, 3, { 0x40, 0x8a, 0x3f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_MOV, 1, 0, "mov dil, byte ptr [rdi]" },
    { INSN_64, 4, { 0x66, 0x44, 0x8b, 0x17 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_MOV, 1, 0, "mov r10w, word ptr [rdi]" },
    { INSN_64, 3, { 0x44, 0x8b, 0x1f }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_MOV, 1, 0, "mov r11d, dword ptr [rdi]" },
    { INSN_64, 3, { 0x4c, 0x8b, 0x27 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_MOV, 1, 0, "mov r12, qword ptr [rdi]" },
    { INSN_64, 3, { 0xc6, 0x07, 0x12 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_MOV, 0, 1, "mov byte ptr [rdi], 0x12" },
    { INSN_64, 5, { 0x66, 0xc7, 0x07, 0x34, 0x12 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_MOV, 0, 1, "mov word ptr [rdi], 0x1234" },
    { INSN_64, 6, { 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_MOV, 0, 1, "mov dword ptr [rdi], 0x12345678" },
    { INSN_64, 7, { 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_MOV, 0, 1, "mov qword ptr [rdi], -1" },
    { INSN_64, 8, { 0x49, 0xc7, 0x40, 0x10, 0xff, 0xff, 0xff, 0x7f }, 0x8ff34785799e5ccdull, 8, INSN_MOV, 0, 1, "mov qword ptr [r8+0x10], 0x7fffffff" },
    { INSN_64, 9, { 0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }, 0x1122334455667788ull, 1, INSN_MOV, 1, 0, "movabs al, [0x1122334455667788]" },
    { INSN_64, 9, { 0xa2, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }, 0x1122334455667788ull, 1, INSN_MOV, 0, 1, "movabs [0x1122334455667788], al" },
    { INSN_64, 9, { 0xa1, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00 }, 0xfee000b0ull, 4, INSN_MOV, 1, 0, "movabs eax, [0xfee000b0]" },
    { INSN_64, 9, { 0xa3, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00 }, 0xfee000b0ull, 4, INSN_MOV, 0, 1, "movabs [0xfee000b0], eax" },
    { INSN_64, 10, { 0x48, 0xa1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80 }, 0x8000000000000000ull, 8, INSN_MOV, 1, 0, "movabs rax, [0x8000000000000000]" },
    { INSN_64, 10, { 0x66, 0xa1, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, 0x10ull, 2, INSN_MOV, 1, 0, "movabs ax, [0x10]" },
    { INSN_64, 10, { 0x48, 0xa3, 0x00, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00 }, 0xfec00000ull, 8, INSN_MOV, 0, 1, "movabs [0xfec00000], rax" },
    { INSN_64, 6, { 0x67, 0xa1, 0x78, 0x56, 0x34, 0x12 }, 0x12345678ull, 4, INSN_MOV, 1, 0, "addr32 mov eax, [0x12345678]" },
    { INSN_64, 3, { 0x0f, 0xb6, 0x06 }, 0x538454127b096493ull, 1, INSN_MOVZX, 1, 0, "movzx eax, byte ptr [rsi]" },
    { INSN_64, 4, { 0x0f, 0xb7, 0x4e, 0x04 }, 0x538454127b096497ull, 2, INSN_MOVZX, 1, 0, "movzx ecx, word ptr [rsi+4]" },
    { INSN_64, 4, { 0x48, 0x0f, 0xb6, 0x06 }, 0x538454127b096493ull, 1, INSN_MOVZX, 1, 0, "movzx rax, byte ptr [rsi]" },
    { INSN_64, 5, { 0x66, 0x45, 0x0f, 0xb6, 0x09 }, 0x2e2ac13ef8e8d8d2ull, 1, INSN_MOVZX, 1, 0, "movzx r9w, byte ptr [r9]" },
    { INSN_64, 8, { 0x4c, 0x0f, 0xb7, 0x3d, 0x40, 0x00, 0x00, 0x00 }, 0x7fff00001048ull, 2, INSN_MOVZX, 1, 0, "movzx r15, word ptr [rip+0x40]" },
    { INSN_64, 3, { 0x0f, 0xbe, 0x06 }, 0x538454127b096493ull, 1, INSN_MOVSX, 1, 0, "movsx eax, byte ptr [rsi]" },
    { INSN_64, 4, { 0x48, 0x0f, 0xbf, 0x16 }, 0x538454127b096493ull, 2, INSN_MOVSX, 1, 0, "movsx rdx, word ptr [rsi]" },
    { INSN_64, 4, { 0x66, 0x0f, 0xbe, 0x0e }, 0x538454127b096493ull, 1, INSN_MOVSX, 1, 0, "movsx cx, byte ptr [rsi]" },
    { INSN_64, 4, { 0x45, 0x0f, 0xbf, 0x00 }, 0x8ff34785799e5cbdull, 2, INSN_MOVSX, 1, 0, "movsx r8d, word ptr [r8]" },
    { INSN_64, 2, { 0x84, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_TEST, 1, 0, "test byte ptr [rdi], al" },
    { INSN_64, 2, { 0x85, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_TEST, 1, 0, "test dword ptr [rdi], eax" },
    { INSN_64, 3, { 0x4c, 0x85, 0x1f }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_TEST, 1, 0, "test qword ptr [rdi], r11" },
    { INSN_64, 3, { 0x66, 0x85, 0x17 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_TEST, 1, 0, "test word ptr [rdi], dx" },
    { INSN_64, 4, { 0xf6, 0x47, 0x01, 0x80 }, 0xf1bbcdcbfa53e0a9ull, 1, INSN_TEST, 1, 0, "test byte ptr [rdi+1], 0x80" },
    { INSN_64, 6, { 0xf7, 0x07, 0x00, 0x00, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_TEST, 1, 0, "test dword ptr [rdi], 0x10000" },
    { INSN_64, 5, { 0x66, 0xf7, 0x07, 0x34, 0x12 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_TEST, 1, 0, "test word ptr [rdi], 0x1234" },
    { INSN_64, 7, { 0x48, 0xf7, 0x07, 0xfe, 0xff, 0xff, 0xff }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_TEST, 1, 0, "test qword ptr [rdi], -2" },
    { INSN_64, 2, { 0x86, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_XCHG, 1, 1, "xchg byte ptr [rdi], al" },
    { INSN_64, 2, { 0x87, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_XCHG, 1, 1, "xchg dword ptr [rdi], ecx" },
    { INSN_64, 3, { 0x4c, 0x87, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_XCHG, 1, 1, "xchg qword ptr [rdi], r8" },
    { INSN_64, 3, { 0x66, 0x87, 0x2f }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_XCHG, 1, 1, "xchg word ptr [rdi], bp" },
    { INSN_64, 2, { 0x86, 0x2f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_XCHG, 1, 1, "xchg byte ptr [rdi], ch" },
    { INSN_64, 4, { 0xf0, 0x83, 0x0f, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_OR, 1, 1, "lock or dword ptr [rdi], 0" },
    { INSN_64, 4, { 0xf0, 0x48, 0x01, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_ADD, 1, 1, "lock add qword ptr [rdi], rax" },
    { INSN_64, 3, { 0xf0, 0x87, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_XCHG, 1, 1, "lock xchg dword ptr [rdi], eax" },
    { INSN_64, 4, { 0xf0, 0x80, 0x27, 0x7f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_AND, 1, 1, "lock and byte ptr [rdi], 0x7f" },
    { INSN_64, 5, { 0x66, 0xf0, 0x83, 0x2e, 0x03 }, 0x538454127b096493ull, 2, INSN_SUB, 1, 1, "lock sub word ptr [rsi], 3" },
    { INSN_64, 2, { 0x00, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_ADD, 1, 1, "add byte ptr [rdi], cl" },
    { INSN_64, 2, { 0x01, 0x17 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_ADD, 1, 1, "add dword ptr [rdi], edx" },
    { INSN_64, 3, { 0x4c, 0x01, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_ADD, 1, 1, "add qword ptr [rdi], r9" },
    { INSN_64, 3, { 0x66, 0x01, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_ADD, 1, 1, "add word ptr [rdi], si" },
    { INSN_64, 2, { 0x02, 0x1f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_ADD, 1, 0, "add bl, byte ptr [rdi]" },
    { INSN_64, 2, { 0x03, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_ADD, 1, 0, "add eax, dword ptr [rdi]" },
    { INSN_64, 3, { 0x4c, 0x03, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_ADD, 1, 0, "add r14, qword ptr [rdi]" },
    { INSN_64, 4, { 0x66, 0x44, 0x03, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_ADD, 1, 0, "add r8w, word ptr [rdi]" },
    { INSN_64, 3, { 0x80, 0x07, 0x42 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_ADD, 1, 1, "add byte ptr [rdi], 0x42" },
    { INSN_64, 6, { 0x81, 0x07, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_ADD, 1, 1, "add dword ptr [rdi], 0x12345" },
    { INSN_64, 7, { 0x48, 0x81, 0x07, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_ADD, 1, 1, "add qword ptr [rdi], 0x12345" },
    { INSN_64, 5, { 0x66, 0x81, 0x07, 0x34, 0x12 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_ADD, 1, 1, "add word ptr [rdi], 0x1234" },
    { INSN_64, 3, { 0x83, 0x07, 0xfd }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_ADD, 1, 1, "add dword ptr [rdi], -3" },
    { INSN_64, 4, { 0x66, 0x83, 0x07, 0x05 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_ADD, 1, 1, "add word ptr [rdi], 5" },
    { INSN_64, 8, { 0x48, 0x83, 0x05, 0x10, 0x00, 0x00, 0x00, 0x01 }, 0x7fff00001018ull, 8, INSN_ADD, 1, 1, "add qword ptr [rip+0x10], 1" },
    { INSN_64, 2, { 0x08, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_OR, 1, 1, "or byte ptr [rdi], cl" },
    { INSN_64, 2, { 0x09, 0x17 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_OR, 1, 1, "or dword ptr [rdi], edx" },
    { INSN_64, 3, { 0x4c, 0x09, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_OR, 1, 1, "or qword ptr [rdi], r9" },
    { INSN_64, 3, { 0x66, 0x09, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_OR, 1, 1, "or word ptr [rdi], si" },
    { INSN_64, 2, { 0x0a, 0x1f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_OR, 1, 0, "or bl, byte ptr [rdi]" },
    { INSN_64, 2, { 0x0b, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_OR, 1, 0, "or eax, dword ptr [rdi]" },
    { INSN_64, 3, { 0x4c, 0x0b, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_OR, 1, 0, "or r14, qword ptr [rdi]" },
    { INSN_64, 4, { 0x66, 0x44, 0x0b, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_OR, 1, 0, "or r8w, word ptr [rdi]" },
    { INSN_64, 3, { 0x80, 0x0f, 0x42 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_OR, 1, 1, "or byte ptr [rdi], 0x42" },
    { INSN_64, 6, { 0x81, 0x0f, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_OR, 1, 1, "or dword ptr [rdi], 0x12345" },
    { INSN_64, 7, { 0x48, 0x81, 0x0f, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_OR, 1, 1, "or qword ptr [rdi], 0x12345" },
    { INSN_64, 5, { 0x66, 0x81, 0x0f, 0x34, 0x12 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_OR, 1, 1, "or word ptr [rdi], 0x1234" },
    { INSN_64, 3, { 0x83, 0x0f, 0xfd }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_OR, 1, 1, "or dword ptr [rdi], -3" },
    { INSN_64, 4, { 0x66, 0x83, 0x0f, 0x05 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_OR, 1, 1, "or word ptr [rdi], 5" },
    { INSN_64, 8, { 0x48, 0x83, 0x0d, 0x10, 0x00, 0x00, 0x00, 0x01 }, 0x7fff00001018ull, 8, INSN_OR, 1, 1, "or qword ptr [rip+0x10], 1" },
    { INSN_64, 2, { 0x10, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_ADC, 1, 1, "adc byte ptr [rdi], cl" },
    { INSN_64, 2, { 0x11, 0x17 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_ADC, 1, 1, "adc dword ptr [rdi], edx" },
    { INSN_64, 3, { 0x4c, 0x11, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_ADC, 1, 1, "adc qword ptr [rdi], r9" },
    { INSN_64, 3, { 0x66, 0x11, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_ADC, 1, 1, "adc word ptr [rdi], si" },
    { INSN_64, 2, { 0x12, 0x1f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_ADC, 1, 0, "adc bl, byte ptr [rdi]" },
    { INSN_64, 2, { 0x13, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_ADC, 1, 0, "adc eax, dword ptr [rdi]" },
    { INSN_64, 3, { 0x4c, 0x13, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_ADC, 1, 0, "adc r14, qword ptr [rdi]" },
    { INSN_64, 4, { 0x66, 0x44, 0x13, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_ADC, 1, 0, "adc r8w, word ptr [rdi]" },
    { INSN_64, 3, { 0x80, 0x17, 0x42 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_ADC, 1, 1, "adc byte ptr [rdi], 0x42" },
    { INSN_64, 6, { 0x81, 0x17, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_ADC, 1, 1, "adc dword ptr [rdi], 0x12345" },
    { INSN_64, 7, { 0x48, 0x81, 0x17, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_ADC, 1, 1, "adc qword ptr [rdi], 0x12345" },
    { INSN_64, 5, { 0x66, 0x81, 0x17, 0x34, 0x12 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_ADC, 1, 1, "adc word ptr [rdi], 0x1234" },
    { INSN_64, 3, { 0x83, 0x17, 0xfd }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_ADC, 1, 1, "adc dword ptr [rdi], -3" },
    { INSN_64, 4, { 0x66, 0x83, 0x17, 0x05 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_ADC, 1, 1, "adc word ptr [rdi], 5" },
    { INSN_64, 8, { 0x48, 0x83, 0x15, 0x10, 0x00, 0x00, 0x00, 0x01 }, 0x7fff00001018ull, 8, INSN_ADC, 1, 1, "adc qword ptr [rip+0x10], 1" },
    { INSN_64, 2, { 0x18, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_SBB, 1, 1, "sbb byte ptr [rdi], cl" },
    { INSN_64, 2, { 0x19, 0x17 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_SBB, 1, 1, "sbb dword ptr [rdi], edx" },
    { INSN_64, 3, { 0x4c, 0x19, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_SBB, 1, 1, "sbb qword ptr [rdi], r9" },
    { INSN_64, 3, { 0x66, 0x19, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_SBB, 1, 1, "sbb word ptr [rdi], si" },
    { INSN_64, 2, { 0x1a, 0x1f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_SBB, 1, 0, "sbb bl, byte ptr [rdi]" },
    { INSN_64, 2, { 0x1b, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_SBB, 1, 0, "sbb eax, dword ptr [rdi]" },
    { INSN_64, 3, { 0x4c, 0x1b, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_SBB, 1, 0, "sbb r14, qword ptr [rdi]" },
    { INSN_64, 4, { 0x66, 0x44, 0x1b, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_SBB, 1, 0, "sbb r8w, word ptr [rdi]" },
    { INSN_64, 3, { 0x80, 0x1f, 0x42 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_SBB, 1, 1, "sbb byte ptr [rdi], 0x42" },
    { INSN_64, 6, { 0x81, 0x1f, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_SBB, 1, 1, "sbb dword ptr [rdi], 0x12345" },
    { INSN_64, 7, { 0x48, 0x81, 0x1f, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_SBB, 1, 1, "sbb qword ptr [rdi], 0x12345" },
    { INSN_64, 5, { 0x66, 0x81, 0x1f, 0x34, 0x12 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_SBB, 1, 1, "sbb word ptr [rdi], 0x1234" },
    { INSN_64, 3, { 0x83, 0x1f, 0xfd }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_SBB, 1, 1, "sbb dword ptr [rdi], -3" },
    { INSN_64, 4, { 0x66, 0x83, 0x1f, 0x05 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_SBB, 1, 1, "sbb word ptr [rdi], 5" },
    { INSN_64, 8, { 0x48, 0x83, 0x1d, 0x10, 0x00, 0x00, 0x00, 0x01 }, 0x7fff00001018ull, 8, INSN_SBB, 1, 1, "sbb qword ptr [rip+0x10], 1" },
    { INSN_64, 2, { 0x20, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_AND, 1, 1, "and byte ptr [rdi], cl" },
    { INSN_64, 2, { 0x21, 0x17 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_AND, 1, 1, "and dword ptr [rdi], edx" },
    { INSN_64, 3, { 0x4c, 0x21, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_AND, 1, 1, "and qword ptr [rdi], r9" },
    { INSN_64, 3, { 0x66, 0x21, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_AND, 1, 1, "and word ptr [rdi], si" },
    { INSN_64, 2, { 0x22, 0x1f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_AND, 1, 0, "and bl, byte ptr [rdi]" },
    { INSN_64, 2, { 0x23, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_AND, 1, 0, "and eax, dword ptr [rdi]" },
    { INSN_64, 3, { 0x4c, 0x23, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_AND, 1, 0, "and r14, qword ptr [rdi]" },
    { INSN_64, 4, { 0x66, 0x44, 0x23, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_AND, 1, 0, "and r8w, word ptr [rdi]" },
    { INSN_64, 3, { 0x80, 0x27, 0x42 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_AND, 1, 1, "and byte ptr [rdi], 0x42" },
    { INSN_64, 6, { 0x81, 0x27, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_AND, 1, 1, "and dword ptr [rdi], 0x12345" },
    { INSN_64, 7, { 0x48, 0x81, 0x27, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_AND, 1, 1, "and qword ptr [rdi], 0x12345" },
    { INSN_64, 5, { 0x66, 0x81, 0x27, 0x34, 0x12 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_AND, 1, 1, "and word ptr [rdi], 0x1234" },
    { INSN_64, 3, { 0x83, 0x27, 0xfd }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_AND, 1, 1, "and dword ptr [rdi], -3" },
    { INSN_64, 4, { 0x66, 0x83, 0x27, 0x05 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_AND, 1, 1, "and word ptr [rdi], 5" },
    { INSN_64, 8, { 0x48, 0x83, 0x25, 0x10, 0x00, 0x00, 0x00, 0x01 }, 0x7fff00001018ull, 8, INSN_AND, 1, 1, "and qword ptr [rip+0x10], 1" },
    { INSN_64, 2, { 0x28, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_SUB, 1, 1, "sub byte ptr [rdi], cl" },
    { INSN_64, 2, { 0x29, 0x17 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_SUB, 1, 1, "sub dword ptr [rdi], edx" },
    { INSN_64, 3, { 0x4c, 0x29, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_SUB, 1, 1, "sub qword ptr [rdi], r9" },
    { INSN_64, 3, { 0x66, 0x29, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_SUB, 1, 1, "sub word ptr [rdi], si" },
    { INSN_64, 2, { 0x2a, 0x1f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_SUB, 1, 0, "sub bl, byte ptr [rdi]" },
    { INSN_64, 2, { 0x2b, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_SUB, 1, 0, "sub eax, dword ptr [rdi]" },
    { INSN_64, 3, { 0x4c, 0x2b, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_SUB, 1, 0, "sub r14, qword ptr [rdi]" },
    { INSN_64, 4, { 0x66, 0x44, 0x2b, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_SUB, 1, 0, "sub r8w, word ptr [rdi]" },
    { INSN_64, 3, { 0x80, 0x2f, 0x42 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_SUB, 1, 1, "sub byte ptr [rdi], 0x42" },
    { INSN_64, 6, { 0x81, 0x2f, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_SUB, 1, 1, "sub dword ptr [rdi], 0x12345" },
    { INSN_64, 7, { 0x48, 0x81, 0x2f, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_SUB, 1, 1, "sub qword ptr [rdi], 0x12345" },
    { INSN_64, 5, { 0x66, 0x81, 0x2f, 0x34, 0x12 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_SUB, 1, 1, "sub word ptr [rdi], 0x1234" },
    { INSN_64, 3, { 0x83, 0x2f, 0xfd }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_SUB, 1, 1, "sub dword ptr [rdi], -3" },
    { INSN_64, 4, { 0x66, 0x83, 0x2f, 0x05 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_SUB, 1, 1, "sub word ptr [rdi], 5" },
    { INSN_64, 8, { 0x48, 0x83, 0x2d, 0x10, 0x00, 0x00, 0x00, 0x01 }, 0x7fff00001018ull, 8, INSN_SUB, 1, 1, "sub qword ptr [rip+0x10], 1" },
    { INSN_64, 2, { 0x30, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_XOR, 1, 1, "xor byte ptr [rdi], cl" },
    { INSN_64, 2, { 0x31, 0x17 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_XOR, 1, 1, "xor dword ptr [rdi], edx" },
    { INSN_64, 3, { 0x4c, 0x31, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_XOR, 1, 1, "xor qword ptr [rdi], r9" },
    { INSN_64, 3, { 0x66, 0x31, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_XOR, 1, 1, "xor word ptr [rdi], si" },
    { INSN_64, 2, { 0x32, 0x1f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_XOR, 1, 0, "xor bl, byte ptr [rdi]" },
    { INSN_64, 2, { 0x33, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_XOR, 1, 0, "xor eax, dword ptr [rdi]" },
    { INSN_64, 3, { 0x4c, 0x33, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_XOR, 1, 0, "xor r14, qword ptr [rdi]" },
    { INSN_64, 4, { 0x66, 0x44, 0x33, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_XOR, 1, 0, "xor r8w, word ptr [rdi]" },
    { INSN_64, 3, { 0x80, 0x37, 0x42 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_XOR, 1, 1, "xor byte ptr [rdi], 0x42" },
    { INSN_64, 6, { 0x81, 0x37, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_XOR, 1, 1, "xor dword ptr [rdi], 0x12345" },
    { INSN_64, 7, { 0x48, 0x81, 0x37, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_XOR, 1, 1, "xor qword ptr [rdi], 0x12345" },
    { INSN_64, 5, { 0x66, 0x81, 0x37, 0x34, 0x12 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_XOR, 1, 1, "xor word ptr [rdi], 0x1234" },
    { INSN_64, 3, { 0x83, 0x37, 0xfd }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_XOR, 1, 1, "xor dword ptr [rdi], -3" },
    { INSN_64, 4, { 0x66, 0x83, 0x37, 0x05 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_XOR, 1, 1, "xor word ptr [rdi], 5" },
    { INSN_64, 8, { 0x48, 0x83, 0x35, 0x10, 0x00, 0x00, 0x00, 0x01 }, 0x7fff00001018ull, 8, INSN_XOR, 1, 1, "xor qword ptr [rip+0x10], 1" },
    { INSN_64, 2, { 0x38, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_CMP, 1, 0, "cmp byte ptr [rdi], cl" },
    { INSN_64, 2, { 0x39, 0x17 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_CMP, 1, 0, "cmp dword ptr [rdi], edx" },
    { INSN_64, 3, { 0x4c, 0x39, 0x0f }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_CMP, 1, 0, "cmp qword ptr [rdi], r9" },
    { INSN_64, 3, { 0x66, 0x39, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_CMP, 1, 0, "cmp word ptr [rdi], si" },
    { INSN_64, 2, { 0x3a, 0x1f }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_CMP, 1, 0, "cmp bl, byte ptr [rdi]" },
    { INSN_64, 2, { 0x3b, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_CMP, 1, 0, "cmp eax, dword ptr [rdi]" },
    { INSN_64, 3, { 0x4c, 0x3b, 0x37 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_CMP, 1, 0, "cmp r14, qword ptr [rdi]" },
    { INSN_64, 4, { 0x66, 0x44, 0x3b, 0x07 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_CMP, 1, 0, "cmp r8w, word ptr [rdi]" },
    { INSN_64, 3, { 0x80, 0x3f, 0x42 }, 0xf1bbcdcbfa53e0a8ull, 1, INSN_CMP, 1, 0, "cmp byte ptr [rdi], 0x42" },
    { INSN_64, 6, { 0x81, 0x3f, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_CMP, 1, 0, "cmp dword ptr [rdi], 0x12345" },
    { INSN_64, 7, { 0x48, 0x81, 0x3f, 0x45, 0x23, 0x01, 0x00 }, 0xf1bbcdcbfa53e0a8ull, 8, INSN_CMP, 1, 0, "cmp qword ptr [rdi], 0x12345" },
    { INSN_64, 5, { 0x66, 0x81, 0x3f, 0x34, 0x12 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_CMP, 1, 0, "cmp word ptr [rdi], 0x1234" },
    { INSN_64, 3, { 0x83, 0x3f, 0xfd }, 0xf1bbcdcbfa53e0a8ull, 4, INSN_CMP, 1, 0, "cmp dword ptr [rdi], -3" },
    { INSN_64, 4, { 0x66, 0x83, 0x3f, 0x05 }, 0xf1bbcdcbfa53e0a8ull, 2, INSN_CMP, 1, 0, "cmp word ptr [rdi], 5" },
    { INSN_64, 8, { 0x48, 0x83, 0x3d, 0x10, 0x00, 0x00, 0x00, 0x01 }, 0x7fff00001018ull, 8, INSN_CMP, 1, 0, "cmp qword ptr [rip+0x10], 1" },
    { INSN_32, 2, { 0x8b, 0x00 }, 0x7f4a7c15ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [eax]" },
    { INSN_32, 6, { 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0x7f4a7c15ull, 4, INSN_MOV, 0, 1, "mov dword ptr [eax], 0x12345678" },
    { INSN_32, 5, { 0x66, 0xc7, 0x00, 0x34, 0x12 }, 0x7f4a7c15ull, 2, INSN_MOV, 0, 1, "mov word ptr [eax], 0x1234" },
    { INSN_32, 3, { 0x80, 0x38, 0x01 }, 0x7f4a7c15ull, 1, INSN_CMP, 1, 0, "cmp byte ptr [eax], 1" },
    { INSN_32, 3, { 0x8b, 0x43, 0x10 }, 0xfd29f064ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [ebx+0x10]" },
    { INSN_32, 7, { 0xc7, 0x43, 0x10, 0x78, 0x56, 0x34, 0x12 }, 0xfd29f064ull, 4, INSN_MOV, 0, 1, "mov dword ptr [ebx+0x10], 0x12345678" },
    { INSN_32, 6, { 0x66, 0xc7, 0x43, 0x10, 0x34, 0x12 }, 0xfd29f064ull, 2, INSN_MOV, 0, 1, "mov word ptr [ebx+0x10], 0x1234" },
    { INSN_32, 4, { 0x80, 0x7b, 0x10, 0x01 }, 0xfd29f064ull, 1, INSN_CMP, 1, 0, "cmp byte ptr [ebx+0x10], 1" },
    { INSN_32, 3, { 0x8b, 0x45, 0x00 }, 0xfbbee87eull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [ebp]" },
    { INSN_32, 7, { 0xc7, 0x45, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0xfbbee87eull, 4, INSN_MOV, 0, 1, "mov dword ptr [ebp], 0x12345678" },
    { INSN_32, 6, { 0x66, 0xc7, 0x45, 0x00, 0x34, 0x12 }, 0xfbbee87eull, 2, INSN_MOV, 0, 1, "mov word ptr [ebp], 0x1234" },
    { INSN_32, 4, { 0x80, 0x7d, 0x00, 0x01 }, 0xfbbee87eull, 1, INSN_CMP, 1, 0, "cmp byte ptr [ebp], 1" },
    { INSN_32, 6, { 0x8b, 0x85, 0x78, 0x56, 0x34, 0x12 }, 0xdf33ef6ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [ebp+0x12345678]" },
    { INSN_32, 10, { 0xc7, 0x85, 0x78, 0x56, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12 }, 0xdf33ef6ull, 4, INSN_MOV, 0, 1, "mov dword ptr [ebp+0x12345678], 0x12345678" },
    { INSN_32, 9, { 0x66, 0xc7, 0x85, 0x78, 0x56, 0x34, 0x12, 0x34, 0x12 }, 0xdf33ef6ull, 2, INSN_MOV, 0, 1, "mov word ptr [ebp+0x12345678], 0x1234" },
    { INSN_32, 7, { 0x80, 0xbd, 0x78, 0x56, 0x34, 0x12, 0x01 }, 0xdf33ef6ull, 1, INSN_CMP, 1, 0, "cmp byte ptr [ebp+0x12345678], 1" },
    { INSN_32, 3, { 0x8b, 0x04, 0x24 }, 0x7c746c69ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [esp]" },
    { INSN_32, 7, { 0xc7, 0x04, 0x24, 0x78, 0x56, 0x34, 0x12 }, 0x7c746c69ull, 4, INSN_MOV, 0, 1, "mov dword ptr [esp], 0x12345678" },
    { INSN_32, 6, { 0x66, 0xc7, 0x04, 0x24, 0x34, 0x12 }, 0x7c746c69ull, 2, INSN_MOV, 0, 1, "mov word ptr [esp], 0x1234" },
    { INSN_32, 4, { 0x80, 0x3c, 0x24, 0x01 }, 0x7c746c69ull, 1, INSN_CMP, 1, 0, "cmp byte ptr [esp], 1" },
    { INSN_32, 4, { 0x8b, 0x44, 0x24, 0x08 }, 0x7c746c71ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [esp+8]" },
    { INSN_32, 8, { 0xc7, 0x44, 0x24, 0x08, 0x78, 0x56, 0x34, 0x12 }, 0x7c746c71ull, 4, INSN_MOV, 0, 1, "mov dword ptr [esp+8], 0x12345678" },
    { INSN_32, 7, { 0x66, 0xc7, 0x44, 0x24, 0x08, 0x34, 0x12 }, 0x7c746c71ull, 2, INSN_MOV, 0, 1, "mov word ptr [esp+8], 0x1234" },
    { INSN_32, 5, { 0x80, 0x7c, 0x24, 0x08, 0x01 }, 0x7c746c71ull, 1, INSN_CMP, 1, 0, "cmp byte ptr [esp+8], 1" },
    { INSN_32, 5, { 0xa1, 0x78, 0x56, 0x34, 0x12 }, 0x12345678ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [0x12345678]" },
    { INSN_32, 10, { 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12 }, 0x12345678ull, 4, INSN_MOV, 0, 1, "mov dword ptr [0x12345678], 0x12345678" },
    { INSN_32, 9, { 0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12, 0x34, 0x12 }, 0x12345678ull, 2, INSN_MOV, 0, 1, "mov word ptr [0x12345678], 0x1234" },
    { INSN_32, 7, { 0x80, 0x3d, 0x78, 0x56, 0x34, 0x12, 0x01 }, 0x12345678ull, 1, INSN_CMP, 1, 0, "cmp byte ptr [0x12345678], 1" },
    { INSN_32, 3, { 0x8b, 0x04, 0x08 }, 0x7ddf743full, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [eax+ecx*1]" },
    { INSN_32, 7, { 0xc7, 0x04, 0x08, 0x78, 0x56, 0x34, 0x12 }, 0x7ddf743full, 4, INSN_MOV, 0, 1, "mov dword ptr [eax+ecx*1], 0x12345678" },
    { INSN_32, 6, { 0x66, 0xc7, 0x04, 0x08, 0x34, 0x12 }, 0x7ddf743full, 2, INSN_MOV, 0, 1, "mov word ptr [eax+ecx*1], 0x1234" },
    { INSN_32, 4, { 0x80, 0x3c, 0x08, 0x01 }, 0x7ddf743full, 1, INSN_CMP, 1, 0, "cmp byte ptr [eax+ecx*1], 1" },
    { INSN_32, 4, { 0x8b, 0x44, 0xbe, 0x80 }, 0x6458e6b3ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [esi+edi*4-0x80]" },
    { INSN_32, 8, { 0xc7, 0x44, 0xbe, 0x80, 0x78, 0x56, 0x34, 0x12 }, 0x6458e6b3ull, 4, INSN_MOV, 0, 1, "mov dword ptr [esi+edi*4-0x80], 0x12345678" },
    { INSN_32, 7, { 0x66, 0xc7, 0x44, 0xbe, 0x80, 0x34, 0x12 }, 0x6458e6b3ull, 2, INSN_MOV, 0, 1, "mov word ptr [esi+edi*4-0x80], 0x1234" },
    { INSN_32, 5, { 0x80, 0x7c, 0xbe, 0x80, 0x01 }, 0x6458e6b3ull, 1, INSN_CMP, 1, 0, "cmp byte ptr [esi+edi*4-0x80], 1" },
    { INSN_32, 7, { 0x8b, 0x84, 0xea, 0x00, 0x10, 0x00, 0x00 }, 0x5bd6c82full, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [edx+ebp*8+0x1000]" },
    { INSN_32, 11, { 0xc7, 0x84, 0xea, 0x00, 0x10, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0x5bd6c82full, 4, INSN_MOV, 0, 1, "mov dword ptr [edx+ebp*8+0x1000], 0x12345678" },
    { INSN_32, 10, { 0x66, 0xc7, 0x84, 0xea, 0x00, 0x10, 0x00, 0x00, 0x34, 0x12 }, 0x5bd6c82full, 2, INSN_MOV, 0, 1, "mov word ptr [edx+ebp*8+0x1000], 0x1234" },
    { INSN_32, 8, { 0x80, 0xbc, 0xea, 0x00, 0x10, 0x00, 0x00, 0x01 }, 0x5bd6c82full, 1, INSN_CMP, 1, 0, "cmp byte ptr [edx+ebp*8+0x1000], 1" },
    { INSN_32, 7, { 0x8b, 0x04, 0x9d, 0x00, 0x01, 0x00, 0x00 }, 0xf4a7c250ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [ebx*4+0x100]" },
    { INSN_32, 11, { 0xc7, 0x04, 0x9d, 0x00, 0x01, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0xf4a7c250ull, 4, INSN_MOV, 0, 1, "mov dword ptr [ebx*4+0x100], 0x12345678" },
    { INSN_32, 10, { 0x66, 0xc7, 0x04, 0x9d, 0x00, 0x01, 0x00, 0x00, 0x34, 0x12 }, 0xf4a7c250ull, 2, INSN_MOV, 0, 1, "mov word ptr [ebx*4+0x100], 0x1234" },
    { INSN_32, 8, { 0x80, 0x3c, 0x9d, 0x00, 0x01, 0x00, 0x00, 0x01 }, 0xf4a7c250ull, 1, INSN_CMP, 1, 0, "cmp byte ptr [ebx*4+0x100], 1" },
    { INSN_32, 3, { 0x8b, 0x04, 0x44 }, 0x7b096493ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [esp+eax*2]" },
    { INSN_32, 7, { 0xc7, 0x04, 0x44, 0x78, 0x56, 0x34, 0x12 }, 0x7b096493ull, 4, INSN_MOV, 0, 1, "mov dword ptr [esp+eax*2], 0x12345678" },
    { INSN_32, 6, { 0x66, 0xc7, 0x04, 0x44, 0x34, 0x12 }, 0x7b096493ull, 2, INSN_MOV, 0, 1, "mov word ptr [esp+eax*2], 0x1234" },
    { INSN_32, 4, { 0x80, 0x3c, 0x44, 0x01 }, 0x7b096493ull, 1, INSN_CMP, 1, 0, "cmp byte ptr [esp+eax*2], 1" },
    { INSN_32, 3, { 0x67, 0x8b, 0x00 }, 0x54e7ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [bx+si]" },
    { INSN_32, 7, { 0x67, 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0x54e7ull, 4, INSN_MOV, 0, 1, "mov dword ptr [bx+si], 0x12345678" },
    { INSN_32, 6, { 0x67, 0x66, 0xc7, 0x00, 0x34, 0x12 }, 0x54e7ull, 2, INSN_MOV, 0, 1, "mov word ptr [bx+si], 0x1234" },
    { INSN_32, 4, { 0x67, 0x80, 0x38, 0x01 }, 0x54e7ull, 1, INSN_CMP, 1, 0, "cmp byte ptr [bx+si], 1" },
    { INSN_32, 4, { 0x67, 0x8b, 0x43, 0x04 }, 0xc92aull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [bp+di+4]" },
    { INSN_32, 8, { 0x67, 0xc7, 0x43, 0x04, 0x78, 0x56, 0x34, 0x12 }, 0xc92aull, 4, INSN_MOV, 0, 1, "mov dword ptr [bp+di+4], 0x12345678" },
    { INSN_32, 7, { 0x67, 0x66, 0xc7, 0x43, 0x04, 0x34, 0x12 }, 0xc92aull, 2, INSN_MOV, 0, 1, "mov word ptr [bp+di+4], 0x1234" },
    { INSN_32, 5, { 0x67, 0x80, 0x7b, 0x04, 0x01 }, 0xc92aull, 1, INSN_CMP, 1, 0, "cmp byte ptr [bp+di+4], 1" },
    { INSN_32, 3, { 0x64, 0x8b, 0x00 }, 0x7f4a7c15ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr fs:[eax]" },
    { INSN_32, 7, { 0x64, 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0x7f4a7c15ull, 4, INSN_MOV, 0, 1, "mov dword ptr fs:[eax], 0x12345678" },
    { INSN_32, 6, { 0x64, 0x66, 0xc7, 0x00, 0x34, 0x12 }, 0x7f4a7c15ull, 2, INSN_MOV, 0, 1, "mov word ptr fs:[eax], 0x1234" },
    { INSN_32, 4, { 0x64, 0x80, 0x38, 0x01 }, 0x7f4a7c15ull, 1, INSN_CMP, 1, 0, "cmp byte ptr fs:[eax], 1" },
    { INSN_32, 3, { 0x26, 0x8b, 0x07 }, 0xfa53e0a8ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr es:[edi]" },
    { INSN_32, 7, { 0x26, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12 }, 0xfa53e0a8ull, 4, INSN_MOV, 0, 1, "mov dword ptr es:[edi], 0x12345678" },
    { INSN_32, 6, { 0x26, 0x66, 0xc7, 0x07, 0x34, 0x12 }, 0xfa53e0a8ull, 2, INSN_MOV, 0, 1, "mov word ptr es:[edi], 0x1234" },
    { INSN_32, 4, { 0x26, 0x80, 0x3f, 0x01 }, 0xfa53e0a8ull, 1, INSN_CMP, 1, 0, "cmp byte ptr es:[edi], 1" },
    { INSN_32, 4, { 0x8b, 0x44, 0x35, 0x81 }, 0x76c84c92ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [ebp+esi*1-0x7f]" },
    { INSN_32, 8, { 0xc7, 0x44, 0x35, 0x81, 0x78, 0x56, 0x34, 0x12 }, 0x76c84c92ull, 4, INSN_MOV, 0, 1, "mov dword ptr [ebp+esi*1-0x7f], 0x12345678" },
    { INSN_32, 7, { 0x66, 0xc7, 0x44, 0x35, 0x81, 0x34, 0x12 }, 0x76c84c92ull, 2, INSN_MOV, 0, 1, "mov word ptr [ebp+esi*1-0x7f], 0x1234" },
    { INSN_32, 5, { 0x80, 0x7c, 0x35, 0x81, 0x01 }, 0x76c84c92ull, 1, INSN_CMP, 1, 0, "cmp byte ptr [ebp+esi*1-0x7f], 1" },
    { INSN_32, 5, { 0xa0, 0x78, 0x56, 0x34, 0x12 }, 0x12345678ull, 1, INSN_MOV, 1, 0, "mov al, [0x12345678]" },
    { INSN_32, 5, { 0xa3, 0x78, 0x56, 0x34, 0x12 }, 0x12345678ull, 4, INSN_MOV, 0, 1, "mov [0x12345678], eax" },
    { INSN_32, 6, { 0x66, 0xa1, 0x20, 0x00, 0xe0, 0xfe }, 0xfee00020ull, 2, INSN_MOV, 1, 0, "mov ax, [0xfee00020]" },
    { INSN_32, 2, { 0x8b, 0x0b }, 0xfd29f054ull, 4, INSN_MOV, 1, 0, "mov ecx, dword ptr [ebx]" },
    { INSN_32, 2, { 0x88, 0x33 }, 0xfd29f054ull, 1, INSN_MOV, 0, 1, "mov byte ptr [ebx], dh" },
    { INSN_32, 3, { 0x66, 0x8b, 0x0b }, 0xfd29f054ull, 2, INSN_MOV, 1, 0, "mov cx, word ptr [ebx]" },
    { INSN_32, 3, { 0x0f, 0xb6, 0x03 }, 0xfd29f054ull, 1, INSN_MOVZX, 1, 0, "movzx eax, byte ptr [ebx]" },
    { INSN_32, 4, { 0x66, 0x0f, 0xb6, 0x03 }, 0xfd29f054ull, 1, INSN_MOVZX, 1, 0, "movzx ax, byte ptr [ebx]" },
    { INSN_32, 3, { 0x0f, 0xbf, 0x13 }, 0xfd29f054ull, 2, INSN_MOVSX, 1, 0, "movsx edx, word ptr [ebx]" },
    { INSN_32, 4, { 0x67, 0x0f, 0xb7, 0x08 }, 0x54e7ull, 2, INSN_MOVZX, 1, 0, "movzx ecx, word ptr [bx+si]" },
    { INSN_32, 3, { 0xf6, 0x00, 0x01 }, 0x7f4a7c15ull, 1, INSN_TEST, 1, 0, "test byte ptr [eax], 1" },
    { INSN_32, 6, { 0xf7, 0x00, 0x00, 0x00, 0x00, 0x80 }, 0x7f4a7c15ull, 4, INSN_TEST, 1, 0, "test dword ptr [eax], 0x80000000" },
    { INSN_32, 2, { 0x87, 0x18 }, 0x7f4a7c15ull, 4, INSN_XCHG, 1, 1, "xchg dword ptr [eax], ebx" },
    { INSN_32, 3, { 0x83, 0x20, 0xfe }, 0x7f4a7c15ull, 4, INSN_AND, 1, 1, "and dword ptr [eax], 0xfffffffe" },
    { INSN_32, 5, { 0x66, 0x81, 0x08, 0x00, 0x01 }, 0x7f4a7c15ull, 2, INSN_OR, 1, 1, "or word ptr [eax], 0x100" },
    { INSN_32, 2, { 0x2b, 0x01 }, 0xfe94f82aull, 4, INSN_SUB, 1, 0, "sub eax, dword ptr [ecx]" },
    { INSN_32, 2, { 0x32, 0x09 }, 0xfe94f82aull, 1, INSN_XOR, 1, 0, "xor cl, byte ptr [ecx]" },
    { INSN_32, 4, { 0xf0, 0x83, 0x10, 0x01 }, 0x7f4a7c15ull, 4, INSN_ADC, 1, 1, "lock adc dword ptr [eax], 1" },
    { INSN_32, 4, { 0x67, 0xa0, 0x34, 0x12 }, 0x1234ull, 1, INSN_MOV, 1, 0, "addr16 mov al, [0x1234]" },
    { INSN_16, 2, { 0x8b, 0x00 }, 0x54e7ull, 2, INSN_MOV, 1, 0, "mov ax, word ptr [bx+si]" },
    { INSN_16, 4, { 0xc7, 0x00, 0x34, 0x12 }, 0x54e7ull, 2, INSN_MOV, 0, 1, "mov word ptr [bx+si], 0x1234" },
    { INSN_16, 3, { 0x66, 0x8b, 0x00 }, 0x54e7ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [bx+si]" },
    { INSN_16, 7, { 0x66, 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0x54e7ull, 4, INSN_MOV, 0, 1, "mov dword ptr [bx+si], 0x12345678" },
    { INSN_16, 3, { 0x83, 0x00, 0x10 }, 0x54e7ull, 2, INSN_ADD, 1, 1, "add word ptr [bx+si], 0x10" },
    { INSN_16, 3, { 0x8b, 0x41, 0x04 }, 0xd100ull, 2, INSN_MOV, 1, 0, "mov ax, word ptr [bx+di+4]" },
    { INSN_16, 5, { 0xc7, 0x41, 0x04, 0x34, 0x12 }, 0xd100ull, 2, INSN_MOV, 0, 1, "mov word ptr [bx+di+4], 0x1234" },
    { INSN_16, 4, { 0x66, 0x8b, 0x41, 0x04 }, 0xd100ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [bx+di+4]" },
    { INSN_16, 8, { 0x66, 0xc7, 0x41, 0x04, 0x78, 0x56, 0x34, 0x12 }, 0xd100ull, 4, INSN_MOV, 0, 1, "mov dword ptr [bx+di+4], 0x12345678" },
    { INSN_16, 4, { 0x83, 0x41, 0x04, 0x10 }, 0xd100ull, 2, INSN_ADD, 1, 1, "add word ptr [bx+di+4], 0x10" },
    { INSN_16, 3, { 0x8b, 0x42, 0xfe }, 0x4d0full, 2, INSN_MOV, 1, 0, "mov ax, word ptr [bp+si-2]" },
    { INSN_16, 5, { 0xc7, 0x42, 0xfe, 0x34, 0x12 }, 0x4d0full, 2, INSN_MOV, 0, 1, "mov word ptr [bp+si-2], 0x1234" },
    { INSN_16, 4, { 0x66, 0x8b, 0x42, 0xfe }, 0x4d0full, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [bp+si-2]" },
    { INSN_16, 8, { 0x66, 0xc7, 0x42, 0xfe, 0x78, 0x56, 0x34, 0x12 }, 0x4d0full, 4, INSN_MOV, 0, 1, "mov dword ptr [bp+si-2], 0x12345678" },
    { INSN_16, 4, { 0x83, 0x42, 0xfe, 0x10 }, 0x4d0full, 2, INSN_ADD, 1, 1, "add word ptr [bp+si-2], 0x10" },
    { INSN_16, 4, { 0x8b, 0x83, 0x34, 0x12 }, 0xdb5aull, 2, INSN_MOV, 1, 0, "mov ax, word ptr [bp+di+0x1234]" },
    { INSN_16, 6, { 0xc7, 0x83, 0x34, 0x12, 0x34, 0x12 }, 0xdb5aull, 2, INSN_MOV, 0, 1, "mov word ptr [bp+di+0x1234], 0x1234" },
    { INSN_16, 5, { 0x66, 0x8b, 0x83, 0x34, 0x12 }, 0xdb5aull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [bp+di+0x1234]" },
    { INSN_16, 9, { 0x66, 0xc7, 0x83, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12 }, 0xdb5aull, 4, INSN_MOV, 0, 1, "mov dword ptr [bp+di+0x1234], 0x12345678" },
    { INSN_16, 5, { 0x83, 0x83, 0x34, 0x12, 0x10 }, 0xdb5aull, 2, INSN_ADD, 1, 1, "add word ptr [bp+di+0x1234], 0x10" },
    { INSN_16, 2, { 0x8b, 0x04 }, 0x6493ull, 2, INSN_MOV, 1, 0, "mov ax, word ptr [si]" },
    { INSN_16, 4, { 0xc7, 0x04, 0x34, 0x12 }, 0x6493ull, 2, INSN_MOV, 0, 1, "mov word ptr [si], 0x1234" },
    { INSN_16, 3, { 0x66, 0x8b, 0x04 }, 0x6493ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [si]" },
    { INSN_16, 7, { 0x66, 0xc7, 0x04, 0x78, 0x56, 0x34, 0x12 }, 0x6493ull, 4, INSN_MOV, 0, 1, "mov dword ptr [si], 0x12345678" },
    { INSN_16, 3, { 0x83, 0x04, 0x10 }, 0x6493ull, 2, INSN_ADD, 1, 1, "add word ptr [si], 0x10" },
    { INSN_16, 2, { 0x8b, 0x05 }, 0xe0a8ull, 2, INSN_MOV, 1, 0, "mov ax, word ptr [di]" },
    { INSN_16, 4, { 0xc7, 0x05, 0x34, 0x12 }, 0xe0a8ull, 2, INSN_MOV, 0, 1, "mov word ptr [di], 0x1234" },
    { INSN_16, 3, { 0x66, 0x8b, 0x05 }, 0xe0a8ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [di]" },
    { INSN_16, 7, { 0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12 }, 0xe0a8ull, 4, INSN_MOV, 0, 1, "mov dword ptr [di], 0x12345678" },
    { INSN_16, 3, { 0x83, 0x05, 0x10 }, 0xe0a8ull, 2, INSN_ADD, 1, 1, "add word ptr [di], 0x10" },
    { INSN_16, 3, { 0x8b, 0x46, 0x00 }, 0xe87eull, 2, INSN_MOV, 1, 0, "mov ax, word ptr [bp]" },
    { INSN_16, 5, { 0xc7, 0x46, 0x00, 0x34, 0x12 }, 0xe87eull, 2, INSN_MOV, 0, 1, "mov word ptr [bp], 0x1234" },
    { INSN_16, 4, { 0x66, 0x8b, 0x46, 0x00 }, 0xe87eull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [bp]" },
    { INSN_16, 8, { 0x66, 0xc7, 0x46, 0x00, 0x78, 0x56, 0x34, 0x12 }, 0xe87eull, 4, INSN_MOV, 0, 1, "mov dword ptr [bp], 0x12345678" },
    { INSN_16, 4, { 0x83, 0x46, 0x00, 0x10 }, 0xe87eull, 2, INSN_ADD, 1, 1, "add word ptr [bp], 0x10" },
    { INSN_16, 3, { 0xa1, 0x34, 0x12 }, 0x1234ull, 2, INSN_MOV, 1, 0, "mov ax, word ptr [0x1234]" },
    { INSN_16, 6, { 0xc7, 0x06, 0x34, 0x12, 0x34, 0x12 }, 0x1234ull, 2, INSN_MOV, 0, 1, "mov word ptr [0x1234], 0x1234" },
    { INSN_16, 4, { 0x66, 0xa1, 0x34, 0x12 }, 0x1234ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [0x1234]" },
    { INSN_16, 9, { 0x66, 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12 }, 0x1234ull, 4, INSN_MOV, 0, 1, "mov dword ptr [0x1234], 0x12345678" },
    { INSN_16, 5, { 0x83, 0x06, 0x34, 0x12, 0x10 }, 0x1234ull, 2, INSN_ADD, 1, 1, "add word ptr [0x1234], 0x10" },
    { INSN_16, 2, { 0x8b, 0x07 }, 0xf054ull, 2, INSN_MOV, 1, 0, "mov ax, word ptr [bx]" },
    { INSN_16, 4, { 0xc7, 0x07, 0x34, 0x12 }, 0xf054ull, 2, INSN_MOV, 0, 1, "mov word ptr [bx], 0x1234" },
    { INSN_16, 3, { 0x66, 0x8b, 0x07 }, 0xf054ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [bx]" },
    { INSN_16, 7, { 0x66, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12 }, 0xf054ull, 4, INSN_MOV, 0, 1, "mov dword ptr [bx], 0x12345678" },
    { INSN_16, 3, { 0x83, 0x07, 0x10 }, 0xf054ull, 2, INSN_ADD, 1, 1, "add word ptr [bx], 0x10" },
    { INSN_16, 3, { 0x8b, 0x47, 0x7f }, 0xf0d3ull, 2, INSN_MOV, 1, 0, "mov ax, word ptr [bx+0x7f]" },
    { INSN_16, 5, { 0xc7, 0x47, 0x7f, 0x34, 0x12 }, 0xf0d3ull, 2, INSN_MOV, 0, 1, "mov word ptr [bx+0x7f], 0x1234" },
    { INSN_16, 4, { 0x66, 0x8b, 0x47, 0x7f }, 0xf0d3ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [bx+0x7f]" },
    { INSN_16, 8, { 0x66, 0xc7, 0x47, 0x7f, 0x78, 0x56, 0x34, 0x12 }, 0xf0d3ull, 4, INSN_MOV, 0, 1, "mov dword ptr [bx+0x7f], 0x12345678" },
    { INSN_16, 4, { 0x83, 0x47, 0x7f, 0x10 }, 0xf0d3ull, 2, INSN_ADD, 1, 1, "add word ptr [bx+0x7f], 0x10" },
    { INSN_16, 4, { 0x67, 0x8b, 0x04, 0x58 }, 0x799e5cbdull, 2, INSN_MOV, 1, 0, "mov ax, word ptr [eax+ebx*2]" },
    { INSN_16, 6, { 0x67, 0xc7, 0x04, 0x58, 0x34, 0x12 }, 0x799e5cbdull, 2, INSN_MOV, 0, 1, "mov word ptr [eax+ebx*2], 0x1234" },
    { INSN_16, 5, { 0x67, 0x66, 0x8b, 0x04, 0x58 }, 0x799e5cbdull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [eax+ebx*2]" },
    { INSN_16, 9, { 0x67, 0x66, 0xc7, 0x04, 0x58, 0x78, 0x56, 0x34, 0x12 }, 0x799e5cbdull, 4, INSN_MOV, 0, 1, "mov dword ptr [eax+ebx*2], 0x12345678" },
    { INSN_16, 5, { 0x67, 0x83, 0x04, 0x58, 0x10 }, 0x799e5cbdull, 2, INSN_ADD, 1, 1, "add word ptr [eax+ebx*2], 0x10" },
    { INSN_16, 5, { 0x67, 0x8b, 0x44, 0x24, 0x04 }, 0x7c746c6dull, 2, INSN_MOV, 1, 0, "mov ax, word ptr [esp+4]" },
    { INSN_16, 7, { 0x67, 0xc7, 0x44, 0x24, 0x04, 0x34, 0x12 }, 0x7c746c6dull, 2, INSN_MOV, 0, 1, "mov word ptr [esp+4], 0x1234" },
    { INSN_16, 6, { 0x67, 0x66, 0x8b, 0x44, 0x24, 0x04 }, 0x7c746c6dull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [esp+4]" },
    { INSN_16, 10, { 0x67, 0x66, 0xc7, 0x44, 0x24, 0x04, 0x78, 0x56, 0x34, 0x12 }, 0x7c746c6dull, 4, INSN_MOV, 0, 1, "mov dword ptr [esp+4], 0x12345678" },
    { INSN_16, 6, { 0x67, 0x83, 0x44, 0x24, 0x04, 0x10 }, 0x7c746c6dull, 2, INSN_ADD, 1, 1, "add word ptr [esp+4], 0x10" },
    { INSN_16, 3, { 0x26, 0x8b, 0x07 }, 0xf054ull, 2, INSN_MOV, 1, 0, "mov ax, word ptr es:[bx]" },
    { INSN_16, 5, { 0x26, 0xc7, 0x07, 0x34, 0x12 }, 0xf054ull, 2, INSN_MOV, 0, 1, "mov word ptr es:[bx], 0x1234" },
    { INSN_16, 4, { 0x26, 0x66, 0x8b, 0x07 }, 0xf054ull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr es:[bx]" },
    { INSN_16, 8, { 0x26, 0x66, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12 }, 0xf054ull, 4, INSN_MOV, 0, 1, "mov dword ptr es:[bx], 0x12345678" },
    { INSN_16, 4, { 0x26, 0x83, 0x07, 0x10 }, 0xf054ull, 2, INSN_ADD, 1, 1, "add word ptr es:[bx], 0x10" },
    { INSN_16, 4, { 0x67, 0x8b, 0x45, 0x10 }, 0xfbbee88eull, 2, INSN_MOV, 1, 0, "mov ax, word ptr [ebp+0x10]" },
    { INSN_16, 6, { 0x67, 0xc7, 0x45, 0x10, 0x34, 0x12 }, 0xfbbee88eull, 2, INSN_MOV, 0, 1, "mov word ptr [ebp+0x10], 0x1234" },
    { INSN_16, 5, { 0x67, 0x66, 0x8b, 0x45, 0x10 }, 0xfbbee88eull, 4, INSN_MOV, 1, 0, "mov eax, dword ptr [ebp+0x10]" },
    { INSN_16, 9, { 0x67, 0x66, 0xc7, 0x45, 0x10, 0x78, 0x56, 0x34, 0x12 }, 0xfbbee88eull, 4, INSN_MOV, 0, 1, "mov dword ptr [ebp+0x10], 0x12345678" },
    { INSN_16, 5, { 0x67, 0x83, 0x45, 0x10, 0x10 }, 0xfbbee88eull, 2, INSN_ADD, 1, 1, "add word ptr [ebp+0x10], 0x10" },
    { INSN_16, 3, { 0xa0, 0x34, 0x12 }, 0x1234ull, 1, INSN_MOV, 1, 0, "mov al, [0x1234]" },
    { INSN_16, 3, { 0xa3, 0x34, 0x12 }, 0x1234ull, 2, INSN_MOV, 0, 1, "mov [0x1234], ax" },
    { INSN_16, 4, { 0x66, 0xa3, 0x34, 0x12 }, 0x1234ull, 4, INSN_MOV, 0, 1, "mov [0x1234], eax" },
    { INSN_16, 4, { 0x66, 0x0f, 0xb6, 0x07 }, 0xf054ull, 1, INSN_MOVZX, 1, 0, "movzx eax, byte ptr [bx]" },
    { INSN_16, 3, { 0x0f, 0xb6, 0x07 }, 0xf054ull, 1, INSN_MOVZX, 1, 0, "movzx ax, byte ptr [bx]" },
    { INSN_16, 4, { 0x66, 0x0f, 0xbf, 0x04 }, 0x6493ull, 2, INSN_MOVSX, 1, 0, "movsx eax, word ptr [si]" },
    { INSN_16, 3, { 0xc6, 0x07, 0x12 }, 0xf054ull, 1, INSN_MOV, 0, 1, "mov byte ptr [bx], 0x12" },
    { INSN_16, 2, { 0x88, 0x27 }, 0xf054ull, 1, INSN_MOV, 0, 1, "mov byte ptr [bx], ah" },
    { INSN_16, 2, { 0x8a, 0x15 }, 0xe0a8ull, 1, INSN_MOV, 1, 0, "mov dl, byte ptr [di]" },
    { INSN_16, 4, { 0xf7, 0x07, 0x00, 0x80 }, 0xf054ull, 2, INSN_TEST, 1, 0, "test word ptr [bx], 0x8000" },
    { INSN_16, 2, { 0x87, 0x0f }, 0xf054ull, 2, INSN_XCHG, 1, 1, "xchg word ptr [bx], cx" },
    { INSN_16, 7, { 0x66, 0x81, 0x0f, 0x00, 0x00, 0x01, 0x00 }, 0xf054ull, 4, INSN_OR, 1, 1, "or dword ptr [bx], 0x10000" },
    { INSN_16, 2, { 0x3b, 0x04 }, 0x6493ull, 2, INSN_CMP, 1, 0, "cmp ax, word ptr [si]" },
    { INSN_16, 6, { 0x67, 0xa0, 0x78, 0x56, 0x34, 0x12 }, 0x12345678ull, 1, INSN_MOV, 1, 0, "addr32 mov al, [0x12345678]" },
    { INSN_16, 4, { 0xf0, 0x80, 0x37, 0x01 }, 0xf054ull, 1, INSN_XOR, 1, 1, "lock xor byte ptr [bx], 1" },

};

#define RIP0 0x7fff00001000ull

static uint64_t reg_value(unsigned n)
{
    return 0x9e3779b97f4a7c15ull * (n + 1);
}

static void fill_regs(struct insn_regs *r)
{
    memset(r, 0, sizeof *r);
    for (unsigned n = 0; n < 16; n++)
        r->gpr[n] = reg_value(n);
    r->rip = RIP0;
    r->rflags = 0x2;
}

/* Every assembled vector: length, operation, access, effective address. */
static void test_vectors(void **state)
{
    for (size_t k = 0; k < sizeof vectors / sizeof vectors[0]; k++) {
        const struct vector *v = &vectors[k];
        struct insn i;
        struct insn_regs r;
        cairn_status_t err = insn_decode(&i, v->bytes, v->len, v->mode);
        if (err)
            fail_msg("%s: error %d", v->text, (int)err);
        if (i.len != v->len || i.memsize != v->memsize || i.op != v->op || i.mem_read != v->read ||
            i.mem_write != v->write)
            fail_msg("%s: len %u memsize %u op %u read %d write %d", v->text, i.len, i.memsize, i.op,
                     i.mem_read, i.mem_write);
        fill_regs(&r);
        uint64_t ea = insn_ea(&i, &r, 0);
        if (ea != v->ea)
            fail_msg("%s: ea %#llx, want %#llx", v->text, (unsigned long long)ea,
                     (unsigned long long)v->ea);
        /* Bytes after the instruction do not change it. */
        uint8_t buf[32];
        memset(buf, 0x90, sizeof buf);
        memcpy(buf, v->bytes, v->len);
        struct insn j;
        assert_int_equal(insn_decode(&j, buf, sizeof buf, v->mode), 0);
        assert_int_equal(j.len, v->len);
    }
}

/* Every truncation of every vector fails cleanly (ASan checks the reads). */
static void test_truncated(void **state)
{
    for (size_t k = 0; k < sizeof vectors / sizeof vectors[0]; k++) {
        const struct vector *v = &vectors[k];
        for (size_t n = 0; n < v->len; n++) {
            uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan catches overreads */
            assert_non_null(copy);
            memcpy(copy, v->bytes, n);
            struct insn i;
            cairn_status_t err = insn_decode(&i, copy, n, v->mode);
            if (err != CAIRN_ETRUNC)
                fail_msg("%s truncated to %zu: %d", v->text, n, (int)err);
            free(copy);
        }
    }
}

/* A fake device: 8 bytes of memory, a log of the last access. */
struct dev {
    uint64_t mem;
    uint64_t gpa;
    unsigned reads, writes, size;
    int fail_read, fail_write;
};

static cairn_status_t dev_mmio(void *ctx, uint64_t gpa, unsigned size, bool write, uint64_t *value)
{
    struct dev *d = ctx;
    d->gpa = gpa;
    d->size = size;
    if (write) {
        if (d->fail_write)
            return CAIRN_EFAULT;
        d->writes++;
        uint64_t m = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
        d->mem = (d->mem & ~m) | (*value & m);
    } else {
        if (d->fail_read)
            return CAIRN_EFAULT;
        d->reads++;
        *value = d->mem | 0xdead000000000000ull * (size < 8); /* junk above size */
    }
    return CAIRN_OK;
}

/* Decode `bytes` and emulate it against a device holding `mem`. */
static cairn_status_t run(enum insn_mode mode, const uint8_t *bytes, size_t len,
                          struct insn_regs *r, struct dev *d)
{
    struct insn i;
    cairn_status_t err = insn_decode(&i, bytes, len, mode);
    if (err)
        return err;
    assert_int_equal(i.len, len);
    return insn_emulate(&i, r, 0xfee00300, dev_mmio, d);
}

#define RUN(mode, r, d, ...)                                                  \
    do {                                                                      \
        static const uint8_t b_[] = { __VA_ARGS__ };                          \
        assert_int_equal(run(mode, b_, sizeof b_, r, d), 0);                  \
    } while (0)

static void test_mov_registers(void **state)
{
    struct insn_regs r;
    struct dev d = { 0 };

    /* mov [rdi], ah (88 27): AH without REX, SPL with REX */
    fill_regs(&r);
    r.gpr[0] = 0x1122334455667788ull;
    r.gpr[4] = 0x99aabbccddeeff00ull;
    RUN(INSN_64, &r, &d, 0x88, 0x27);
    assert_int_equal(d.mem, 0x77);
    assert_int_equal(d.size, 1);
    assert_int_equal(d.gpa, 0xfee00300);
    assert_int_equal(r.rip, RIP0 + 2);
    RUN(INSN_64, &r, &d, 0x40, 0x88, 0x27); /* mov [rdi], spl */
    assert_int_equal(d.mem, 0x00);
    RUN(INSN_64, &r, &d, 0x44, 0x88, 0x27); /* mov [rdi], r12b */
    assert_int_equal(d.mem & 0xff, reg_value(12) & 0xff);

    /* mov bh, [rdi] (8a 3f) and mov dil, [rdi] (40 8a 3f) merge a byte */
    d.mem = 0xa5;
    r.gpr[3] = 0x1111111111111111ull;
    r.gpr[7] = 0x2222222222222222ull;
    RUN(INSN_64, &r, &d, 0x8a, 0x3f);
    assert_int_equal(r.gpr[3], 0x111111111111a511ull);
    RUN(INSN_64, &r, &d, 0x40, 0x8a, 0x3f);
    assert_int_equal(r.gpr[7], 0x22222222222222a5ull);

    /* 16-bit loads merge, 32-bit loads zero-extend, 64-bit replace */
    d.mem = 0x8877665544332211ull;
    r.gpr[1] = ~0ull;
    RUN(INSN_64, &r, &d, 0x66, 0x8b, 0x0f); /* mov cx, [rdi] */
    assert_int_equal(r.gpr[1], 0xffffffffffff2211ull);
    assert_int_equal(d.size, 2);
    RUN(INSN_64, &r, &d, 0x8b, 0x0f); /* mov ecx, [rdi] */
    assert_int_equal(r.gpr[1], 0x44332211ull);
    assert_int_equal(d.size, 4);
    RUN(INSN_64, &r, &d, 0x4c, 0x8b, 0x3f); /* mov r15, [rdi] */
    assert_int_equal(r.gpr[15], 0x8877665544332211ull);
    assert_int_equal(d.size, 8);

    /* 32-bit mode: mov ecx, [edi] (the upper half is not visible; it is cleared) */
    r.gpr[1] = ~0ull;
    RUN(INSN_32, &r, &d, 0x8b, 0x0f);
    assert_int_equal(r.gpr[1], 0x44332211ull);
    /* real mode: mov ax, [bx]; mov eax, [bx] with 66 */
    r.gpr[0] = 0xffffffffull;
    RUN(INSN_16, &r, &d, 0x8b, 0x07);
    assert_int_equal(r.gpr[0], 0xffff2211ull);
    RUN(INSN_16, &r, &d, 0x66, 0x8b, 0x07);
    assert_int_equal(r.gpr[0], 0x44332211ull);
    assert_int_equal(d.size, 4);
}

static void test_mov_immediates(void **state)
{
    struct insn_regs r;
    struct dev d = { 0 };
    fill_regs(&r);

    RUN(INSN_64, &r, &d, 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff); /* mov qword [rdi], -1 */
    assert_int_equal(d.mem, ~0ull);
    assert_int_equal(d.size, 8);
    RUN(INSN_64, &r, &d, 0x48, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12);
    assert_int_equal(d.mem, 0x12345678ull);
    RUN(INSN_64, &r, &d, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80); /* mov dword [rdi], 0x80000000 */
    assert_int_equal(d.mem, 0x80000000ull);
    assert_int_equal(d.size, 4);
    d.mem = ~0ull;
    RUN(INSN_64, &r, &d, 0x66, 0xc7, 0x07, 0x34, 0x12); /* mov word [rdi], 0x1234 */
    assert_int_equal(d.mem, 0xffffffffffff1234ull);
    RUN(INSN_64, &r, &d, 0xc6, 0x07, 0x80); /* mov byte [rdi], 0x80 */
    assert_int_equal(d.mem, 0xffffffffffff1280ull);
    RUN(INSN_16, &r, &d, 0x66, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12); /* mov dword [bx], imm32 */
    assert_int_equal(d.mem, 0xffffffff12345678ull);
    /* 83 /0 ib: the byte is sign-extended to the operation size */
    d.mem = 0x10;
    RUN(INSN_64, &r, &d, 0x48, 0x83, 0x07, 0xff); /* add qword [rdi], -1 */
    assert_int_equal(d.mem, 0xf);
    RUN(INSN_64, &r, &d, 0x48, 0x81, 0x2f, 0x00, 0x00, 0x00, 0x80); /* sub qword [rdi], -0x80000000 */
    assert_int_equal(d.mem, 0x8000000full);
    assert_int_equal(d.reads, 2);
    assert_int_equal(d.writes, 8);
}

static void test_moffs(void **state)
{
    struct insn_regs r;
    struct dev d = { .mem = 0xcafef00dfeedbeefull };
    fill_regs(&r);
    r.gpr[0] = 0x1122334455667788ull;

    RUN(INSN_64, &r, &d, 0xa0, 0xb0, 0x00, 0xe0, 0xfe, 0, 0, 0, 0); /* mov al, [moffs64] */
    assert_int_equal(r.gpr[0], 0x11223344556677efull);
    RUN(INSN_64, &r, &d, 0xa1, 0xb0, 0x00, 0xe0, 0xfe, 0, 0, 0, 0); /* mov eax, [moffs64] */
    assert_int_equal(r.gpr[0], 0xfeedbeefull);
    RUN(INSN_64, &r, &d, 0x48, 0xa1, 0xb0, 0x00, 0xe0, 0xfe, 0, 0, 0, 0);
    assert_int_equal(r.gpr[0], 0xcafef00dfeedbeefull);
    r.gpr[0] = 0x0102030405060708ull;
    RUN(INSN_64, &r, &d, 0x67, 0xa3, 0xb0, 0x00, 0xe0, 0xfe); /* mov [moffs32], eax */
    assert_int_equal(d.mem, 0xcafef00d05060708ull);
    RUN(INSN_32, &r, &d, 0x66, 0xa3, 0xb0, 0x00, 0xe0, 0xfe); /* mov [moffs32], ax */
    assert_int_equal(d.size, 2);
    RUN(INSN_16, &r, &d, 0xa2, 0x34, 0x12); /* mov [0x1234], al */
    assert_int_equal(d.size, 1);
    RUN(INSN_16, &r, &d, 0x26, 0x66, 0xa1, 0x34, 0x12); /* mov eax, es:[0x1234] */
    assert_int_equal(d.size, 4);
    assert_int_equal(r.rip, (RIP0 + 9 + 9 + 10 + 6 + 6 + 3 + 5) & 0xffff);
}

static void test_movzx_movsx(void **state)
{
    struct insn_regs r;
    struct dev d = { .mem = 0x8081 };
    fill_regs(&r);

    RUN(INSN_64, &r, &d, 0x0f, 0xb6, 0x07); /* movzx eax, byte [rdi] */
    assert_int_equal(r.gpr[0], 0x81);
    assert_int_equal(d.size, 1);
    RUN(INSN_64, &r, &d, 0x48, 0x0f, 0xbe, 0x07); /* movsx rax, byte [rdi] */
    assert_int_equal(r.gpr[0], 0xffffffffffffff81ull);
    RUN(INSN_64, &r, &d, 0x0f, 0xbf, 0x07); /* movsx eax, word [rdi] */
    assert_int_equal(r.gpr[0], 0xffff8081ull);
    assert_int_equal(d.size, 2);
    r.gpr[0] = ~0ull;
    RUN(INSN_64, &r, &d, 0x66, 0x0f, 0xbe, 0x07); /* movsx ax, byte [rdi] */
    assert_int_equal(r.gpr[0], 0xffffffffffffff81ull);
    RUN(INSN_64, &r, &d, 0x66, 0x0f, 0xb6, 0x07); /* movzx ax, byte [rdi] */
    assert_int_equal(r.gpr[0], 0xffffffffffff0081ull);
    RUN(INSN_64, &r, &d, 0x4c, 0x0f, 0xb7, 0x3f); /* movzx r15, word [rdi] */
    assert_int_equal(r.gpr[15], 0x8081);
    RUN(INSN_16, &r, &d, 0x66, 0x0f, 0xbf, 0x07); /* movsx eax, word [bx] */
    assert_int_equal(r.gpr[0], 0xffff8081ull);
    assert_int_equal(d.writes, 0);
}

static void test_xchg(void **state)
{
    struct insn_regs r;
    struct dev d = { .mem = 0x1111111111111111ull };
    fill_regs(&r);
    r.gpr[1] = 0xaaaaaaaabbbbccddull;

    RUN(INSN_64, &r, &d, 0x86, 0x2f); /* xchg [rdi], ch */
    assert_int_equal(d.mem, 0x11111111111111ccull);
    assert_int_equal(r.gpr[1], 0xaaaaaaaabbbb11ddull);
    RUN(INSN_64, &r, &d, 0xf0, 0x87, 0x0f); /* lock xchg [rdi], ecx */
    assert_int_equal(d.mem, 0x11111111bbbb11ddull);
    assert_int_equal(r.gpr[1], 0x111111ccull); /* 32-bit: zero-extended */
    assert_int_equal(d.reads, 2);
    assert_int_equal(d.writes, 2);
}

/* The flags this emulator computes; the others must be preserved. */
#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define OF 0x800u
#define ARITH (CF | PF | AF | ZF | SF | OF)

/*
 * Emulate `op [rdi], rcx` (mem_dst) or `op rcx, [rdi]` of size bytes with
 * the destination holding a and the source b; returns the result, sets *fl.
 */
static uint64_t emulate_alu(unsigned op, unsigned size, bool mem_dst, uint64_t a, uint64_t b, uint64_t *fl)
{
    uint8_t buf[4];
    size_t n = 0;
    if (size == 2)
        buf[n++] = 0x66;
    if (size == 8)
        buf[n++] = 0x48;
    unsigned base = op == INSN_TEST ? 0x84 : op << 3 | (mem_dst ? 0 : 2);
    buf[n++] = (uint8_t)(base | (size > 1));
    buf[n++] = 0x0f; /* mod 0, reg rcx, rm rdi */
    struct insn_regs r;
    fill_regs(&r);
    r.rflags = *fl;
    struct dev d = { .mem = mem_dst ? a : b };
    r.gpr[1] = mem_dst ? b : a;
    assert_int_equal(run(INSN_64, buf, n, &r, &d), 0);
    *fl = r.rflags;
    bool writes = op != INSN_CMP && op != INSN_TEST;
    assert_int_equal(d.writes, mem_dst && writes);
    uint64_t m = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    if (mem_dst)
        return d.mem & m;
    if (!writes)
        assert_int_equal(r.gpr[1], a);
    else if (size < 4)
        assert_int_equal(r.gpr[1] & ~m, a & ~m);
    return r.gpr[1] & m;
}

static void test_flags_known(void **state)
{
    static const struct {
        unsigned op, size;
        uint64_t a, b, cf, res, flags;
    } t[] = {
        { INSN_ADD, 1, 0x7f, 0x01, 0, 0x80, OF | SF | AF },
        { INSN_ADD, 1, 0xff, 0x01, 0, 0x00, CF | ZF | PF | AF },
        { INSN_ADD, 4, 0xffffffff, 0x1, 0, 0, CF | ZF | PF | AF },
        { INSN_ADD, 8, 0x8000000000000000ull, 0x8000000000000000ull, 0, 0, CF | ZF | PF | OF },
        { INSN_ADD, 2, 0x1234, 0x0001, 0, 0x1235, PF },
        { INSN_ADC, 1, 0xff, 0x00, 1, 0x00, CF | ZF | PF | AF },
        { INSN_ADC, 1, 0x00, 0xff, 1, 0x00, CF | ZF | PF | AF },
        { INSN_ADC, 4, 0x7fffffff, 0, 1, 0x80000000, OF | SF | AF | PF },
        { INSN_SUB, 1, 0x00, 0x01, 0, 0xff, CF | SF | AF | PF },
        { INSN_SUB, 1, 0x80, 0x01, 0, 0x7f, OF | AF },
        { INSN_SUB, 4, 5, 5, 0, 0, ZF | PF },
        { INSN_SBB, 1, 0x05, 0x05, 1, 0xff, CF | SF | AF | PF },
        { INSN_SBB, 2, 0x0000, 0xffff, 1, 0x0000, CF | ZF | PF | AF },
        { INSN_CMP, 8, 1, 2, 0, 1, CF | SF | AF | PF },
        { INSN_CMP, 4, 0x80000000, 1, 0, 0x80000000, OF | AF | PF },
        { INSN_AND, 1, 0xf0, 0x0f, 1, 0, ZF | PF },
        { INSN_OR, 2, 0x8000, 0x0001, 1, 0x8001, SF },
        { INSN_XOR, 4, 0xffffffff, 0x0000ffff, 1, 0xffff0000, SF | PF },
        { INSN_TEST, 8, 0x8000000000000000ull, ~0ull, 1, 0x8000000000000000ull, SF | PF },
        { INSN_TEST, 1, 0x03, 0x01, 0, 0x03, 0 },
    };
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
        for (int dir = 0; dir < 2; dir++) {
            uint64_t fl = 0x202 | t[k].cf | (ARITH & ~CF); /* stale flags, IF */
            uint64_t res = emulate_alu(t[k].op, t[k].size, dir == 0, t[k].a, t[k].b, &fl);
            if (res != t[k].res || fl != (0x202 | t[k].flags))
                fail_msg("case %zu dir %d: res %#llx flags %#llx", k, dir, (unsigned long long)res,
                         (unsigned long long)fl);
        }
    }
}

#if defined(__x86_64__)
/* The host CPU's result and CF PF AF ZF SF OF for `OP b, a` (AT&T order). */
#define REF(name, OP, type, cons)                                                           \
    static uint64_t name(uint64_t a_, uint64_t b_, uint64_t cin, uint64_t *fl)          \
    {                                                                                       \
        type x = (type)a_, y = (type)b_;                                                    \
        uint16_t ax;                                                                        \
        __asm__("bt $0, %k[c]\n\t" OP " %[y], %[x]\n\tlahf\n\tseto %%al"                    \
                : [x] "+" cons(x), "=&a"(ax)                                                \
                : [y] cons(y), [c] "r"((uint32_t)cin)                                       \
                : "cc");                                                                    \
        *fl = (ax >> 8 & (CF | PF | AF | ZF | SF)) | ((ax & 0xff) ? OF : 0);               \
        return x;                                                                           \
    }
#define REFS(op)                                 \
    REF(ref_##op##1, #op "b", uint8_t, "q")     \
    REF(ref_##op##2, #op "w", uint16_t, "r")    \
    REF(ref_##op##4, #op "l", uint32_t, "r")    \
    REF(ref_##op##8, #op "q", uint64_t, "r")
REFS(add)
REFS(or)
REFS(adc)
REFS(sbb)
REFS(and)
REFS(sub)
REFS(xor)
REFS(cmp)
REFS(test)

typedef uint64_t ref_fn(uint64_t, uint64_t, uint64_t, uint64_t *);
#define ROW(op) { ref_##op##1, ref_##op##2, ref_##op##4, ref_##op##8 }
static ref_fn *const refs[9][4] = { ROW(add), ROW(or), ROW(adc), ROW(sbb), ROW(and),
                                    ROW(sub), ROW(xor), ROW(cmp), ROW(test) };

static void test_flags_vs_cpu(void **state)
{
    static const uint64_t edge[] = { 0, 1, 2, 0x0f, 0x10, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
                                     0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffffull,
                                     0x8000000000000000ull, ~0ull };
    uint64_t seed = 0x1234567;
    for (unsigned op = INSN_ADD; op <= INSN_TEST; op++) {
        for (unsigned si = 0; si < 4; si++) {
            unsigned size = 1u << si;
            for (unsigned n = 0; n < 1500; n++) {
                uint64_t a, b, cin = n & 1;
                if (n < 17 * 17 * 2) {
                    a = edge[(n / 2) % 17];
                    b = edge[(n / 2) / 17];
                } else {
                    a = host_rand(&seed);
                    b = host_rand(&seed);
                    if (n & 2)
                        b = a ^ (host_rand(&seed) & 0xff); /* near values */
                }
                uint64_t want_fl, fl = cin | 0x2;
                uint64_t want = refs[op][si](a, b, cin, &want_fl);
                if (op == INSN_CMP || op == INSN_TEST)
                    want = a & (size == 8 ? ~0ull : (1ull << (8 * size)) - 1);
                uint64_t got = emulate_alu(op, size, n & 4, a, b, &fl);
                /* AF is undefined after logic ops; this emulator clears it, like QEMU. */
                if (op == INSN_OR || op == INSN_AND || op == INSN_XOR || op == INSN_TEST)
                    want_fl &= ~(uint64_t)AF;
                if (got != want || (fl & ARITH) != want_fl)
                    fail_msg("op %u size %u a %#llx b %#llx cf %llu: got %#llx/%#llx want %#llx/%#llx", op,
                             size, (unsigned long long)a, (unsigned long long)b, (unsigned long long)cin,
                             (unsigned long long)got, (unsigned long long)fl,
                             (unsigned long long)want, (unsigned long long)want_fl);
            }
        }
    }
}
#else
static void test_flags_vs_cpu(void **state)
{
    skip();
}
#endif

static void test_group_imm(void **state)
{
    struct insn_regs r;
    struct dev d = { .mem = 0x0f };
    fill_regs(&r);
    RUN(INSN_64, &r, &d, 0x80, 0x0f, 0xf0); /* or byte [rdi], 0xf0 */
    assert_int_equal(d.mem, 0xff);
    assert_int_equal(r.rflags & ARITH, SF | PF);
    RUN(INSN_64, &r, &d, 0x80, 0x3f, 0xff); /* cmp byte [rdi], 0xff */
    assert_int_equal(r.rflags & ARITH, ZF | PF);
    RUN(INSN_64, &r, &d, 0xf6, 0x07, 0x00); /* test byte [rdi], 0 */
    assert_int_equal(r.rflags & ARITH, ZF | PF);
    RUN(INSN_64, &r, &d, 0xf6, 0x0f, 0x80); /* test byte [rdi], 0x80 (/1 alias) */
    assert_int_equal(r.rflags & ARITH, SF);
    RUN(INSN_64, &r, &d, 0x66, 0xf7, 0x07, 0x00, 0x01); /* test word [rdi], 0x100 */
    assert_int_equal(r.rflags & ARITH, ZF | PF);
    RUN(INSN_32, &r, &d, 0x82, 0x27, 0x0f); /* and byte [edi], 0x0f (82: not in 64-bit) */
    assert_int_equal(d.mem, 0x0f);
    RUN(INSN_64, &r, &d, 0x48, 0x83, 0x27, 0xfe); /* and qword [rdi], -2 */
    assert_int_equal(d.mem, 0x0e);
    assert_int_equal(d.writes, 3);
}

static void test_prefixes(void **state)
{
    struct insn i;
    /* REX before a legacy prefix is ignored: 48 66 89 07 = mov [rdi], ax */
    static const uint8_t rex_early[] = { 0x48, 0x66, 0x89, 0x07 };
    assert_int_equal(insn_decode(&i, rex_early, sizeof rex_early, INSN_64), 0);
    assert_int_equal(i.opsize, 2);
    assert_int_equal(i.rex, 0);
    assert_int_equal(i.len, 4);
    /* ... so 8-bit register 4 is AH again */
    static const uint8_t rex_early8[] = { 0x40, 0x2e, 0x88, 0x27 };
    assert_int_equal(insn_decode(&i, rex_early8, sizeof rex_early8, INSN_64), 0);
    assert_true(i.reg_high);
    /* REX.W wins over 66 */
    static const uint8_t w66[] = { 0x66, 0x48, 0x89, 0x07 };
    assert_int_equal(insn_decode(&i, w66, sizeof w66, INSN_64), 0);
    assert_int_equal(i.opsize, 8);
    /* REX.R, REX.X, REX.B: mov [r9+r10*4], r11 */
    static const uint8_t rxb[] = { 0x4f, 0x89, 0x1c, 0x91 };
    assert_int_equal(insn_decode(&i, rxb, sizeof rxb, INSN_64), 0);
    assert_int_equal(i.reg, 11);
    assert_int_equal(i.base, 9);
    assert_int_equal(i.index, 10);
    assert_int_equal(i.scale, 4);
    /* REX.X with index 100 is r12; without it no index */
    static const uint8_t x12[] = { 0x42, 0x8b, 0x04, 0x20 };
    assert_int_equal(insn_decode(&i, x12, sizeof x12, INSN_64), 0);
    assert_int_equal(i.index, 12);
    static const uint8_t x4[] = { 0x8b, 0x04, 0x20 };
    assert_int_equal(insn_decode(&i, x4, sizeof x4, INSN_64), 0);
    assert_int_equal(i.index, INSN_NO_REG);
    /* REX.B with mod 0, rm 101 is still RIP-relative; base 101 still no base */
    static const uint8_t b_rip[] = { 0x41, 0x8b, 0x05, 1, 0, 0, 0 };
    assert_int_equal(insn_decode(&i, b_rip, sizeof b_rip, INSN_64), 0);
    assert_true(i.rip_rel);
    static const uint8_t b_sib[] = { 0x41, 0x8b, 0x04, 0x25, 1, 0, 0, 0 };
    assert_int_equal(insn_decode(&i, b_sib, sizeof b_sib, INSN_64), 0);
    assert_int_equal(i.base, INSN_NO_REG);
    assert_int_equal(i.len, 8);
    /* mod 0 rm 101 in 32-bit mode is an absolute disp32 */
    assert_int_equal(insn_decode(&i, b_rip + 1, sizeof b_rip - 1, INSN_32), 0);
    assert_false(i.rip_rel);
    assert_int_equal(i.base, INSN_NO_REG);
    /* 40-4F are INC/DEC outside 64-bit mode */
    assert_int_equal(insn_decode(&i, w66 + 1, 3, INSN_32), CAIRN_EUNSUP);
    /* segments: the default follows the base; overrides stick */
    static const uint8_t bp16[] = { 0x8b, 0x46, 0x02 }; /* mov ax, [bp+2] */
    assert_int_equal(insn_decode(&i, bp16, sizeof bp16, INSN_16), 0);
    assert_int_equal(i.seg, INSN_SEG_SS);
    static const uint8_t fs64[] = { 0x64, 0x67, 0x8b, 0x04, 0x24 }; /* mov eax, fs:[esp] */
    assert_int_equal(insn_decode(&i, fs64, sizeof fs64, INSN_64), 0);
    assert_int_equal(i.seg, INSN_SEG_FS);
    assert_int_equal(i.addrsize, 4);
    /* F2/F3 (XACQUIRE/XRELEASE) are accepted */
    static const uint8_t rep[] = { 0xf3, 0xf2, 0x89, 0x07 };
    assert_int_equal(insn_decode(&i, rep, sizeof rep, INSN_64), 0);
    assert_true(i.rep && i.repne);
    /* 15 bytes is the limit: 14 prefixes + 89 07 is 16 */
    uint8_t many[20];
    memset(many, 0x3e, sizeof many);
    many[13] = 0x89;
    many[14] = 0x00;
    assert_int_equal(insn_decode(&i, many, sizeof many, INSN_64), 0);
    assert_int_equal(i.len, 15);
    many[13] = 0x3e;
    many[14] = 0x89;
    many[15] = 0x00;
    assert_int_equal(insn_decode(&i, many, sizeof many, INSN_64), CAIRN_ETOOLONG);
    assert_int_equal(insn_decode(&i, many, 14, INSN_64), CAIRN_ETRUNC);
}

static void test_ea_segments(void **state)
{
    struct insn i;
    struct insn_regs r;
    fill_regs(&r);
    r.gpr[0] = 0x1000;
    static const uint8_t fs[] = { 0x64, 0x8b, 0x00 };  /* mov eax, fs:[rax] */
    static const uint8_t ds[] = { 0x3e, 0x8b, 0x00 };  /* mov eax, ds:[rax] */
    assert_int_equal(insn_decode(&i, fs, sizeof fs, INSN_64), 0);
    assert_int_equal(insn_ea(&i, &r, 0xffff888000000000ull), 0xffff888000001000ull);
    assert_int_equal(insn_decode(&i, ds, sizeof ds, INSN_64), 0);
    assert_int_equal(insn_ea(&i, &r, 0xffff888000000000ull), 0x1000);
    assert_int_equal(insn_decode(&i, ds, sizeof ds, INSN_32), 0);
    assert_int_equal(insn_ea(&i, &r, 0xfffff000), 0x0);
    /* real mode: [bx+si] wraps at 64 KiB, then the segment base is added */
    r.gpr[3] = 0xfff0;
    r.gpr[6] = 0x20;
    static const uint8_t bxsi[] = { 0x8b, 0x00 };
    assert_int_equal(insn_decode(&i, bxsi, sizeof bxsi, INSN_16), 0);
    assert_int_equal(insn_ea(&i, &r, 0xf0000), 0xf0010);
}

static void test_errors(void **state)
{
    struct insn i;
    static const struct {
        enum insn_mode mode;
        uint8_t len;
        uint8_t b[6];
        cairn_status_t err;
    } t[] = {
        { INSN_64, 1, { 0x90 }, CAIRN_EUNSUP },                   /* nop */
        { INSN_64, 2, { 0x0f, 0x0b }, CAIRN_EUNSUP },             /* ud2 */
        { INSN_64, 3, { 0x0f, 0x6e, 0x07 }, CAIRN_EUNSUP },       /* movd xmm (not supported) */
        { INSN_64, 1, { 0xab }, CAIRN_EUNSUP },                   /* stos (not supported) */
        { INSN_64, 2, { 0x04, 0x01 }, CAIRN_EUNSUP },             /* add al, 1 */
        { INSN_64, 2, { 0x89, 0xc0 }, CAIRN_EINVAL },             /* mov eax, eax */
        { INSN_64, 3, { 0x80, 0xc0, 0x01 }, CAIRN_EINVAL },       /* add al, 1 (80) */
        { INSN_64, 3, { 0xf0, 0x01, 0xc0 }, CAIRN_EINVAL },       /* lock add eax, eax */
        { INSN_64, 3, { 0xf0, 0x89, 0x07 }, CAIRN_EINVAL },         /* lock mov */
        { INSN_64, 3, { 0xf0, 0x39, 0x07 }, CAIRN_EINVAL },         /* lock cmp */
        { INSN_64, 3, { 0xf0, 0x03, 0x07 }, CAIRN_EINVAL },         /* lock add reg, mem */
        { INSN_64, 3, { 0xf0, 0x85, 0x07 }, CAIRN_EINVAL },         /* lock test */
        { INSN_64, 3, { 0x82, 0x07, 0x01 }, CAIRN_EUNSUP },       /* 82 in 64-bit mode */
        { INSN_64, 6, { 0xc7, 0x0f, 1, 2, 3, 4 }, CAIRN_EUNSUP }, /* c7 /1 */
        { INSN_64, 3, { 0xc6, 0xf8, 0x01 }, CAIRN_EINVAL },       /* xabort */
        { INSN_64, 2, { 0xf6, 0x17 }, CAIRN_EUNSUP },             /* not byte [rdi] */
        { INSN_64, 2, { 0xf7, 0x3f }, CAIRN_EUNSUP },             /* idiv dword [rdi] */
        { INSN_64, 2, { 0x63, 0x07 }, CAIRN_EUNSUP },             /* movsxd */
        { INSN_64, 0, { 0 }, CAIRN_ETRUNC },
        { INSN_64, 1, { 0x48 }, CAIRN_ETRUNC },
        { INSN_32, 2, { 0x66, 0x67 }, CAIRN_ETRUNC },
    };
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
        cairn_status_t err = insn_decode(&i, t[k].b, t[k].len, t[k].mode);
        if (err != t[k].err)
            fail_msg("case %zu: %d, want %d", k, (int)err, (int)t[k].err);
    }
    assert_int_equal(insn_decode(NULL, t[0].b, 1, INSN_64), CAIRN_EPAR);
    assert_int_equal(insn_decode(&i, NULL, 1, INSN_64), CAIRN_EPAR);
    assert_int_equal(insn_decode(&i, t[0].b, 1, (enum insn_mode)7), CAIRN_EPAR);
}

static void test_mmio_failure(void **state)
{
    struct insn i;
    struct insn_regs r, before;
    struct dev d = { .mem = 5, .fail_read = 1 };
    static const uint8_t add[] = { 0x01, 0x0f }; /* add [rdi], ecx */
    static const uint8_t load[] = { 0x8b, 0x0f };
    fill_regs(&r);
    before = r;
    assert_int_equal(insn_decode(&i, add, sizeof add, INSN_64), 0);
    assert_int_equal(insn_emulate(&i, &r, 0x1000, dev_mmio, &d), CAIRN_EFAULT);
    assert_memory_equal(&r, &before, sizeof r);
    d.fail_read = 0;
    d.fail_write = 1;
    assert_int_equal(insn_emulate(&i, &r, 0x1000, dev_mmio, &d), CAIRN_EFAULT);
    assert_memory_equal(&r, &before, sizeof r);
    d.fail_read = 1;
    assert_int_equal(insn_decode(&i, load, sizeof load, INSN_64), 0);
    assert_int_equal(insn_emulate(&i, &r, 0x1000, dev_mmio, &d), CAIRN_EFAULT);
    assert_memory_equal(&r, &before, sizeof r);
    assert_int_equal(insn_emulate(&i, &r, 0x1000, NULL, &d), CAIRN_EPAR);
}

static void test_rip_wrap(void **state)
{
    struct insn_regs r;
    struct dev d = { 0 };
    fill_regs(&r);
    r.rip = 0xfffe;
    RUN(INSN_16, &r, &d, 0x89, 0x07); /* mov [bx], ax */
    assert_int_equal(r.rip, 0);
    r.rip = 0xfffffffe;
    RUN(INSN_32, &r, &d, 0x89, 0x07);
    assert_int_equal(r.rip, 0);
    r.rip = 0xfffffffe;
    RUN(INSN_64, &r, &d, 0x89, 0x07);
    assert_int_equal(r.rip, 0x100000000ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_mov_registers),
        cmocka_unit_test(test_mov_immediates),
        cmocka_unit_test(test_moffs),
        cmocka_unit_test(test_movzx_movsx),
        cmocka_unit_test(test_xchg),
        cmocka_unit_test(test_flags_known),
        cmocka_unit_test(test_flags_vs_cpu),
        cmocka_unit_test(test_group_imm),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_ea_segments),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_mmio_failure),
        cmocka_unit_test(test_rip_wrap),
    };
    return cmocka_run_group_tests_name("insn", tests, NULL, NULL);
}
