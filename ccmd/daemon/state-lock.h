/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state-lock.h - one ccmd per state directory: an flock on STATE/ccmd.lock */
#pragma once

#include <glib.h>

typedef struct CcmStateLock CcmStateLock;

/* Takes the lock of @state_dir (which must exist) and writes our pid into it; fails,
 * naming the folder and the holder's pid, if another ccmd holds it. */
CcmStateLock *ccm_state_lock_take(const char *state_dir, GError **error);
/* Releases it (the file stays: removing it would race with the next taker). */
void ccm_state_lock_release(CcmStateLock *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmStateLock, ccm_state_lock_release)
