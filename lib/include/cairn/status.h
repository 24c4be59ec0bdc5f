/*
 * Status codes of user land: one number space for every error.
 *
 * 0 (CAIRN_OK) and 1..63 are the kernel's (enum cairn_status in
 * include/cairn/abi.h: ABI, never renumbered); user land's own codes are
 * numbered from 64 up here. The framework's protocols carry them in mr[0]
 * of a reply, so their values are wire protocol as well. cairn_status_name()
 * (lib/crt.c) names every one.
 *
 * The convention (docs/decisions.md, "One error convention"): a function
 * that can fail returns a cairn_status_t; a human reason, where a caller
 * prints one, comes through an optional `const char **why` out-parameter.
 * Pure predicates return bool; allocators may return NULL for "out of
 * memory" only.
 */
#pragma once

#include <stdint.h>
#include <cairn/abi.h>

typedef uint64_t cairn_status_t;

enum cairn_user_status {
    CAIRN_EDENIED   = 64, /* no route allows this session                     */
    CAIRN_EQUOTA    = 65, /* request exceeds the RAM (or cap) quota            */
    CAIRN_ENOTFOUND = 66, /* no such ROM module, service, child or attribute   */
    CAIRN_ERETRY    = 67, /* service not yet announced: ask again later        */
    CAIRN_EINVAL    = 68, /* malformed request or input                        */
    CAIRN_ETRUNC    = 69, /* input ends before the item it holds does          */
    CAIRN_ETOOLONG  = 70, /* longer than a limit or the caller's buffer allows */
    CAIRN_EUNSUP    = 71, /* well formed, but a form this code does not handle */
    CAIRN_ERANGE    = 72, /* a number or address outside the range allowed     */
    CAIRN_EFAULT    = 73, /* an address that no memory or device backs         */
    CAIRN_USER_STATUS_END
};
