/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* qemu-caps-memo.h - the capabilities of each QEMU binary ccmd has probed, in memory */
#pragma once

#include <glib.h>

#include "qemu-caps.h"

typedef struct CcmQemuCapsMemo CcmQemuCapsMemo;

CcmQemuCapsMemo *ccm_qemu_caps_memo_new(void);
void ccm_qemu_caps_memo_free(CcmQemuCapsMemo *memo);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmQemuCapsMemo, ccm_qemu_caps_memo_free)

/* The capabilities of @binary (a path, or a name looked up on $PATH) if they were stored
 * for the file it is now (same size and modification time); else NULL. Borrowed: valid
 * until the next store. */
const CcmQemuCaps *ccm_qemu_caps_memo_lookup(CcmQemuCapsMemo *memo, const char *binary);

/* Remembers @caps (taken) for @binary as it is now. */
void ccm_qemu_caps_memo_store(CcmQemuCapsMemo *memo, const char *binary, CcmQemuCaps *caps);
