/* core: LOG sessions. Each line is written whole, tagged with the label;
 * READ hands out what the serial port received. */
#include "core.h"
#include <cairn/fmt.h>
#include <cairn/uart.h>
#include <string.h>

static char log_labels[CORE_MAX_LOGS][CORE_LABEL];
static unsigned log_count;

uint64_t core_log_create(const char *label, uint64_t *pt)
{
    if (log_count == CORE_MAX_LOGS)
        return CAIRN_ENOMEM;
    *pt = core_portal(CORE_BADGE(CORE_LOG, log_count));
    if (!*pt)
        return CAIRN_ENOMEM;
    snprintf(log_labels[log_count++], CORE_LABEL, "%s", label);
    return CAIRN_OK;
}

/* Console input: whatever the serial port has received, for the session
 * that asks (a VMM configured to take the console's input). */
static void core_log_read(struct cairn_utcb *u)
{
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

void core_log_op(unsigned id, struct cairn_msg *in, struct cairn_utcb *u)
{
    char text[512], line[CORE_LABEL + 520];
    if (id < log_count && u->mr[0] == CAIRN_LOG_READ) {
        core_log_read(u);
        return;
    }
    if (id >= log_count || u->mr[0] != CAIRN_LOG_WRITE || !cairn_msg_get_str(in, text, sizeof(text))) {
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
