/*
 * Session arguments: "key=value, key2=\"quoted value\", ..." as Genode
 * writes them. Sizes take K, M and G suffixes.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <cairn/status.h>

/* Copy the value of `key` into buf: CAIRN_ENOTFOUND if absent,
 * CAIRN_ETOOLONG if it does not fit (buf untouched then). */
cairn_status_t cairn_arg_str(const char *args, const char *key, char *buf, size_t size);
/* The numeric value of `key` (with K/M/G), or `def` if absent or malformed. */
uint64_t cairn_arg_num(const char *args, const char *key, uint64_t def);
/* Signed variant for priorities ("-1"). */
int64_t cairn_arg_int(const char *args, const char *key, int64_t def);
