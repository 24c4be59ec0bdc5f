/*
 * GDB engine internals (lib/gdb/): shared by its files, not by users.
 *
 *   packet.c  framing, acknowledgments, escapes, run-length input; replies
 *   gdb.c     command dispatch, thread ids, H T ? D k
 *   query.c   q, Q and v packets but vCont: qSupported, qXfer, thread lists
 *   run.c     resuming (vCont c s C S, Ctrl-C), stop replies, gdb_stopped
 *   data.c    registers and memory: g G p P m M X
 *   break.c   Z/z: software breakpoints (int3) and the target's hardware ones
 *   x86_64.c  the register file and its target description (target.xml)
 */
#pragma once

#include <cairn/gdb.h>

/* Error replies: the number is ours, gdb only sees that it failed. */
#define GDB_E_INVAL  "E01" /* malformed packet or argument */
#define GDB_E_TOOBIG "E02" /* a packet longer than GDB_PACKET_SIZE */
#define GDB_E_THREAD "E03" /* no such thread or process */
#define GDB_E_STATE  "E04" /* not now: the target runs, or is gone */
#define GDB_E_TARGET "E05" /* the target refused */
#define GDB_E_FULL   "E06" /* no room for another breakpoint */
#define GDB_E_MEM    "E14" /* memory not accessible */

#define GDB_ALL UINT32_MAX /* tid or pid "-1": all */

/* Internal stop kinds beyond enum gdb_stop. */
#define GDB_EV_EXIT 0x80
#define GDB_EV_TERM 0x81

/* A cursor over a received packet (not NUL-terminated). */
struct gdb_in {
    const char *p, *end;
};

/* --- parsing (packet.c) --------------------------------------------------- */
bool gdb_in_eat(struct gdb_in *in, char c);
bool gdb_in_prefix(struct gdb_in *in, const char *s); /* eats s if it is next */
bool gdb_in_done(const struct gdb_in *in);
/* Hex number of 1..16 digits. */
bool gdb_in_hex(struct gdb_in *in, uint64_t *v);
/* n bytes as 2n hex digits. */
bool gdb_in_bytes(struct gdb_in *in, uint8_t *buf, size_t n);
int gdb_hex_digit(char c); /* -1: not one */

/* --- replying (packet.c) ---------------------------------------------------
 * gdb_begin starts a reply in g->tx; the put functions append to it (and
 * drop what does not fit, which gdb_room lets callers avoid); gdb_end
 * frames and sends it. gdb_reply is all three for a string. */
void gdb_begin(struct gdb *g);
size_t gdb_room(const struct gdb *g);
void gdb_put(struct gdb *g, char c);
void gdb_put_str(struct gdb *g, const char *s);
void gdb_put_hex8(struct gdb *g, uint8_t b);
void gdb_put_hex(struct gdb *g, uint64_t v);      /* no leading zeros */
void gdb_put_bytes(struct gdb *g, const uint8_t *b, size_t n);
bool gdb_put_binary(struct gdb *g, uint8_t b);    /* escaped; false: no room */
void gdb_end(struct gdb *g);
void gdb_reply(struct gdb *g, const char *s);

/* --- commands ---------------------------------------------------------------
 * A command returns its reply, or 0 when it sent one itself (or none is
 * due: a resume, 'k'). in is the packet after the command letter. */
void gdb_dispatch(struct gdb *g, const char *pkt, size_t len);
const char *gdb_query(struct gdb *g, struct gdb_in *in);                /* q */
const char *gdb_set(struct gdb *g, struct gdb_in *in);                  /* Q */
const char *gdb_v(struct gdb *g, struct gdb_in *in);                    /* v */
const char *gdb_cmd_resume(struct gdb *g, struct gdb_in *in, char cmd); /* c s C S */
const char *gdb_cmd_vcont(struct gdb *g, struct gdb_in *in);            /* vCont; */
const char *gdb_cmd_regs(struct gdb *g, struct gdb_in *in, char cmd);   /* g G p P */
const char *gdb_cmd_mem(struct gdb *g, struct gdb_in *in, char cmd);    /* m M X */
const char *gdb_cmd_break(struct gdb *g, struct gdb_in *in, bool insert); /* Z z */
void gdb_interrupt(struct gdb *g);                                      /* Ctrl-C */
void gdb_stop_reply(struct gdb *g, const struct gdb_event *ev);
/* End process pid (GDB_ALL: all) through target->kill. */
void gdb_kill(struct gdb *g, uint32_t pid);

/* --- threads (gdb.c) ---------------------------------------------------------- */
/* Parse a thread id: "p<pid>.<tid>", "p<pid>", "<tid>", "-1", "0". */
bool gdb_in_tid(struct gdb_in *in, struct gdb_tid *t);
void gdb_put_tid(struct gdb *g, struct gdb_tid t);
/* Read the target's thread list into g->threads. */
void gdb_refresh(struct gdb *g);
/* A live thread matching t (0 and -1 parts match any): true and *out. */
bool gdb_find(struct gdb *g, struct gdb_tid t, struct gdb_tid *out);
/* The thread Hg (general) or Hc (cont) means, a live one. */
bool gdb_current(struct gdb *g, bool cont, struct gdb_tid *out);

/* --- breakpoints (break.c) ------------------------------------------------------ */
struct gdb_break *gdb_break_at(struct gdb *g, uint32_t pid, uint64_t addr);
/* Show the original bytes under breakpoints in buf (read from addr). */
void gdb_break_hide(struct gdb *g, uint32_t pid, uint64_t addr, uint8_t *buf, size_t n);
/* A write of buf at addr: keep int3 in memory, the new bytes as originals. */
void gdb_break_shadow(struct gdb *g, uint32_t pid, uint64_t addr, uint8_t *buf, size_t n);
/* Restore the original bytes of pid's breakpoints (GDB_ALL: all). */
void gdb_break_clear(struct gdb *g, uint32_t pid);

/* --- the target description (x86_64.c) ----------------------------------------- */
/* Copy bytes [off, off + len) of target.xml out as escaped binary;
 * returns how many were copied (less when the reply is full) and sets
 * *total to the document's length. */
size_t gdb_xml_target(struct gdb *g, uint64_t off, uint64_t len, uint64_t *total);

/* A window over a generated document (x86_64.c, used by query.c too). */
struct gdb_doc {
    struct gdb *g;
    uint64_t pos, off, len, copied;
    bool full;
};
void gdb_doc_str(struct gdb_doc *d, const char *s);
void gdb_doc_char(struct gdb_doc *d, char c);
void gdb_doc_dec(struct gdb_doc *d, uint64_t v);
