/*
 * The Pong service's protocol (components/pong, used by components/ping):
 * PONG_INC takes a word x and replies x + 1.
 */
#pragma once

enum pong_op { PONG_INC = 1 };
