/*
 * The VMM's config and ROM modules (config): the config ROM read into a
 * struct vmm_config, every attribute checked (a bad one is reported,
 * saying what is wrong); ROM modules (the config, the guest, its initrd,
 * its disk) each attached in a window of its own.
 *
 *   <config kernel="vmlinuz" initrd="initrd" disk="disk" cmdline="console=ttyS0" ram="128M"/>
 *   <config guest="guest_hello" ram="64K"/>
 */
#include "vmm.h"
#include <string.h>
#include <cairn/fmt.h>
#include <cairn/parent.h>
#include <cairn/rpc.h>
#include <cairn/runtime.h>
#include <cairn/session.h>
#include <cairn/xml.h>

#define VMM_ROM_WIN   0x40000000ull          /* each ROM attached in its own 1 GiB window */

/* One call of the protocol `op` on session, with no arguments. */
uint64_t vmm_call(uint64_t session, uint64_t op)
{
    struct cairn_msg m;
    cairn_msg_begin(&m, cairn_utcb_main, op);
    return cairn_rpc_call(session, cairn_utcb_main);
}

/* Attach ROM module `name` in window `slot`; returns its size (0 if it
 * failed) and its address in *at. */
uint64_t vmm_rom(const char *name, unsigned slot, const uint8_t **at)
{
    char args[96];
    uint64_t rom, st, addr = CAIRN_ROM_AREA + slot * VMM_ROM_WIN;
    snprintf(args, sizeof(args), "name=%s", name);
    if (cairn_session("ROM", args, &rom) != CAIRN_OK)
        return 0;
    cairn_utcb_main->rcv_mem = CAIRN_CRD(CAIRN_CRD_MEM, addr >> 12, 18, 0);
    st = vmm_call(rom, CAIRN_ROM_ATTACH);
    cairn_utcb_main->rcv_mem = 0;
    if (st != CAIRN_OK || cairn_utcb_main->untyped < 3 || cairn_utcb_main->mr[2] >= (4u << 20) ||
        cairn_utcb_main->mr[1] > VMM_ROM_WIN - (4u << 20))
        return 0;
    *at = (const uint8_t *)(addr + cairn_utcb_main->mr[2]);
    return cairn_utcb_main->mr[1];
}

/* Read the config ROM into *c: CAIRN_OK, or CAIRN_EINVAL after printing
 * what is wrong. */
cairn_status_t vmm_config(struct vmm_config *c)
{
    static struct xml_node nodes[8];
    struct xml_doc doc;
    const uint8_t *at;
    uint64_t len = vmm_rom("config", ROM_CONFIG, &at);
    if (!len || xml_parse(&doc, (const char *)at, len, nodes, 8, XML_TEXT_ERROR) != CAIRN_OK) {
        printf("error: no usable config%s%s\n", len ? ": " : "", len ? doc.err : "");
        return CAIRN_EINVAL;
    }
    const struct xml_node *root = xml_root(&doc);
    if (xml_attr_string(&doc, root, "kernel", c->kernel, sizeof(c->kernel), 0) != CAIRN_OK &&
        xml_attr_string(&doc, root, "guest", c->kernel, sizeof(c->kernel), 0) != CAIRN_OK) {
        printf("error: config: <config> needs kernel=\"ROM name\" (or guest=)\n");
        return CAIRN_EINVAL;
    }
    cairn_status_t st = xml_attr_string(&doc, root, "initrd", c->initrd, sizeof(c->initrd), 0);
    if (st != CAIRN_OK && st != CAIRN_ENOTFOUND) {
        printf("error: config: initrd=\"...\" is not a usable ROM name\n");
        return CAIRN_EINVAL;
    }
    st = xml_attr_string(&doc, root, "disk", c->disk, sizeof(c->disk), 0);
    if (st != CAIRN_OK && st != CAIRN_ENOTFOUND) {
        printf("error: config: disk=\"...\" is not a usable ROM name\n");
        return CAIRN_EINVAL;
    }
    st = xml_attr_string(&doc, root, "apic", c->apic, sizeof(c->apic), 0);
    if (st == CAIRN_ENOTFOUND)
        c->apic[0] = 0;
    else if (st != CAIRN_OK || (strcmp(c->apic, "yes") && strcmp(c->apic, "no"))) {
        printf("error: config: apic=\"...\" must be yes or no\n");
        return CAIRN_EINVAL;
    }
    st = xml_attr_string(&doc, root, "input", c->input, sizeof(c->input), 0);
    if (st == CAIRN_ENOTFOUND)
        c->input[0] = 0;
    else if (st != CAIRN_OK || (strcmp(c->input, "yes") && strcmp(c->input, "no"))) {
        printf("error: config: input=\"...\" must be yes or no\n");
        return CAIRN_EINVAL;
    }
    st = xml_attr_string(&doc, root, "cmdline", c->cmdline, sizeof(c->cmdline), 0);
    if (st != CAIRN_OK && st != CAIRN_ENOTFOUND) {
        printf("error: config: cmdline=\"...\" longer than %zu bytes\n", sizeof(c->cmdline) - 1);
        return CAIRN_EINVAL;
    }
    if (xml_attr_size(&doc, root, "ram", &c->ram) != CAIRN_OK || c->ram < 16 * 1024 ||
        c->ram > VMM_RAM_MAX || (c->ram & 0xfff)) {
        printf("error: config: ram=\"...\" must be a size from 16K to 2G, in 4K pages\n");
        return CAIRN_EINVAL;
    }
    return CAIRN_OK;
}
