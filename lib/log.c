/*
 * Component log: line buffering with a "[name] " prefix over the UART.
 */
#include <cairn/log.h>

#include <cairn/cpu.h>
#include <cairn/fmt.h>
#include <cairn/lock.h>
#include <cairn/parent.h>
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/session.h>
#include <cairn/uart.h>
#include <string.h>

#define LOG_LINE 256
#define LOG_NAME 32

static char log_name[LOG_NAME] = "?";
static char log_line[LOG_LINE + 1];
static size_t log_len;
static uint64_t log_session; /* components: LOG session at core, which adds the label */

/* The UTCB words a LOG_WRITE of a whole line can use (op, length, text). */
#define LOG_MSG_WORDS (2 + (LOG_LINE + 7) / 8)

/* Components: send the line to the LOG session (core writes it whole).
 * The caller's UTCB is put back as it was: a portal handler may print
 * while its incoming message (an event's state, say) is still there. */
static void log_emit_session(void)
{
    struct cairn_utcb *u = cairn_utcb_self();
    struct cairn_msg m;
    uint64_t saved[LOG_MSG_WORDS];
    uint16_t untyped = u->untyped, typed = u->typed;
    memcpy(saved, u->mr, sizeof(saved));
    log_line[log_len] = 0;
    cairn_msg_begin(&m, u, CAIRN_LOG_WRITE);
    cairn_msg_str(&m, log_line);
    cairn_rpc_call(log_session, u);
    memcpy(u->mr, saved, sizeof(saved));
    u->untyped = untyped, u->typed = typed;
    log_len = 0;
}

/* Emit the collected line (plus prefix and newline) in one burst. */
static void log_emit(void)
{
    char out[LOG_NAME + LOG_LINE + 4];
    size_t n = 0, name = strlen(log_name);

    if (cairn_env) {
        if (log_session)
            log_emit_session();
        log_len = 0;
        return;
    }

    out[n++] = '[';
    memcpy(out + n, log_name, name);
    n += name;
    out[n++] = ']';
    out[n++] = ' ';
    memcpy(out + n, log_line, log_len);
    n += log_len;
    out[n++] = '\n';
    cairn_uart_write(CAIRN_UART_COM1, out, n);
    log_len = 0;
}

static void log_write(const char *s, size_t n)
{
    cairn_lock_take(&cairn_log_lock);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            log_emit();
            continue;
        }
        if (log_len == LOG_LINE)
            log_emit(); /* overlong: break the line rather than drop text */
        log_line[log_len++] = s[i];
    }
    cairn_lock_give(&cairn_log_lock);
}

void cairn_log_flush(void)
{
    if (log_len)
        log_emit();
}

uint64_t cairn_log_init(const char *name)
{
    size_t n = strnlen(name, LOG_NAME - 1);

    memcpy(log_name, name, n);
    log_name[n] = 0;
    uint64_t st = cairn_env ? cairn_session("LOG", "", &log_session)
                            : cairn_uart_claim(CAIRN_UART_COM1);
    cairn_fmt_set_output(log_write);
    return st;
}

const char *cairn_log_name(void)
{
    return log_name;
}

size_t cairn_log_read(char *buf, size_t max)
{
    struct cairn_utcb *u = cairn_utcb_self();
    struct cairn_msg m;
    if (!cairn_env || !log_session)
        return 0;
    cairn_msg_begin(&m, u, CAIRN_LOG_READ);
    if (cairn_rpc_call(log_session, u) != CAIRN_OK || u->untyped < 2)
        return 0;
    size_t n = u->mr[1];
    if (n > CAIRN_LOG_READ_MAX || n > max || u->untyped < 2 + (n + 7) / 8)
        return 0;
    memcpy(buf, &u->mr[2], n);
    return n;
}
