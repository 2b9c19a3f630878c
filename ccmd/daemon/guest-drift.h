/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* guest-drift.h - the drift guard: a guest's host inputs changed, its expectation with them */
#pragma once

#include <stdbool.h>

#include <glib.h>
#include <json-c/json.h>

typedef struct CcmGuest CcmGuest;
typedef struct CcmGuestDrift CcmGuestDrift;

CcmGuestDrift *ccm_guest_drift_new(void);
void ccm_guest_drift_free(CcmGuestDrift *drift);

/* At ccmd's start: the guest's stored record (or, none stored, a baseline of its files
 * now), then a rescan, so a change made while ccmd was down is seen. */
void ccm_guest_drift_load(CcmGuest *guest);

/* A guest just added: its baseline is its files now and the values computed from them. */
void ccm_guest_drift_establish(CcmGuest *guest);

/* The guest's files may have changed: identify them, compare with the baseline and act
 * as its OnDrift= says (ccmd.guest(5)). */
void ccm_guest_drift_check(CcmGuest *guest);

/* The files to watch for the guest (NULL-terminated). */
char **ccm_guest_drift_paths(CcmGuest *guest);

/*
 * ccm_guest_drift_may_start() - whether the guest may start with its files as they are
 *
 * Refused (CCM_GUEST_ERROR_INVALID_STATE, one sentence naming the input, its path and
 * digests) when an input is missing, or when OnDrift=refuse and its inputs drifted,
 * unless @accept. On success @ret_inputs are the inputs, identified now, that the
 * start's values are computed from.
 */
gboolean ccm_guest_drift_may_start(CcmGuest *guest, bool accept, GPtrArray **ret_inputs,
                                   GError **error);

/* A start ended. It succeeded with @values (registered in place of any others)
 * computed from @inputs: they are its baseline now, and its drift is over. Both NULL for
 * a start that failed, or one a restarted ccmd finished. Either way a change seen during
 * the start is looked at now. */
void ccm_guest_drift_start_ended(CcmGuest *guest, GPtrArray *inputs, const char *measurement,
                                 GHashTable *values);

/* The Varlink Drift record (io.ccm.Manager), or NULL when the guest has no drift. */
json_object *ccm_guest_drift_to_json(const CcmGuest *guest);
