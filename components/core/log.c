/* core: LOG sessions. Each line is written whole, tagged with the label;
 * READ hands out what the serial port received. */
#include "core.h"
#include <cairn/fmt.h>
#include <cairn/uart.h>
#include <string.h>

static char log_labels[CORE_MAX_LOGS][CORE_LABEL];
static int log_owner[CORE_MAX_LOGS];
static unsigned log_count; /* slots ever used; a slot with no label is free */

uint64_t core_log_create(const char *label, uint64_t *pt)
{
    unsigned i = 0;
    while (i < log_count && log_labels[i][0])
        i++;
    if (i == CORE_MAX_LOGS)
        return CAIRN_ENOMEM;
    *pt = core_portal(CORE_BADGE(CORE_LOG, i));
    if (!*pt)
        return CAIRN_ENOMEM;
    snprintf(log_labels[i], CORE_LABEL, "%s", label[0] ? label : "?");
    log_owner[i] = core_owner(-1, label);
    if (i == log_count)
        log_count++;
    return CAIRN_OK;
}

/* Its portal is revoked with its owner's selectors: no stale call finds
 * the slot taken by the next session. */
void core_log_close(int owner)
{
    for (unsigned i = 0; i < log_count; i++)
        if (log_labels[i][0] && log_owner[i] == owner)
            log_labels[i][0] = 0;
}

/* Console input: whatever the serial port has received, for the session
 * that asks (a VMM configured to take the console's input). */
static void core_log_read(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                          struct cairn_utcb *u)
{
    if (CORE_ID(badge) >= log_count) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    uint64_t words[CAIRN_LOG_READ_MAX / 8] = { 0 };
    unsigned n = 0;
    for (int c; n < CAIRN_LOG_READ_MAX && (c = cairn_uart_getc(CAIRN_UART_COM1)) >= 0; n++)
        words[n / 8] |= (uint64_t)(uint8_t)c << (8 * (n % 8));
    struct cairn_msg out;
    cairn_msg_begin(&out, u, CAIRN_OK);
    cairn_msg_word(&out, n);
    for (unsigned i = 0; i < (n + 7) / 8; i++)
        cairn_msg_word(&out, words[i]);
}

static void core_log_write(struct cairn_rpc_server *s, uint64_t badge, struct cairn_msg *in,
                           struct cairn_utcb *u)
{
    char text[512], line[CORE_LABEL + 520];
    unsigned id = CORE_ID(badge);
    if (id >= log_count || !log_labels[id][0] || cairn_msg_get_str(in, text, sizeof(text)) != CAIRN_OK) {
        cairn_rpc_status(u, CAIRN_EINVAL);
        return;
    }
    for (char *c = text; *c; c++)
        if ((unsigned char)*c < 0x20 && *c != '\t')
            *c = '?'; /* a line is one line */
    int n = snprintf(line, sizeof(line), "[%s] %s\n", log_labels[id], text);
    cairn_uart_write(CAIRN_UART_COM1, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
    cairn_rpc_status(u, CAIRN_OK);
}

static const cairn_rpc_fn core_log_ops[] = { [CAIRN_LOG_WRITE] = core_log_write,
                                             [CAIRN_LOG_READ] = core_log_read };
struct cairn_rpc_server core_log_server = { CAIRN_RPC_OPS(core_log_ops) };
