/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fake-qemu.h - a QMP peer that replays a recorded transcript, for the replay suite */
#pragma once

#include <glib.h>

#include "qmp-transcript.h"

typedef struct FakeQemu FakeQemu;

/**
 * fake_qemu_start() - serve @transcript on @fd (one end of a socketpair) in a thread
 *
 * Sends the greeting, then for every request received checks that it is the next one
 * recorded (execute, arguments and id) and answers with what QEMU sent after it, up to
 * and including its reply (events too). A request that differs is a failure.
 */
FakeQemu *fake_qemu_start(const CcmQmpTranscript *transcript, int fd);

/* Joins the thread. Returns NULL if the client sent exactly the recorded requests,
 * else what went wrong. */
char *fake_qemu_finish(FakeQemu *fake);
