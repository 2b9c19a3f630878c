/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* drift-record.h - the drift ccmd reports in a Guest record, read and described */
#pragma once

#include <glib.h>
#include <json-c/json.h>

/*
 * ccmd watches the files each guest's measurement is computed from; when one changes it
 * computes the measurement again and says so in the Guest record of io.ccm.Manager:
 *
 *   type DriftInput (input: string, path: string, old_sha256: ?string, new_sha256: ?string)
 *   type Drift (state: string, policy: string, since: int, inputs: []DriftInput,
 *               old_measurement: ?string, new_measurement: ?string)
 *   Guest: drift: ?Drift
 *
 * A record without "drift" (a ccmd that does not watch, or nothing changed) has none.
 */
typedef enum CcmDriftState {
    CCM_GUEST_DRIFT_NONE,     /* no drift member, or null */
    CCM_GUEST_DRIFT_DRIFT,    /* an input changed and the measurement with it */
    CCM_GUEST_DRIFT_MISSING,  /* an input is gone: the measurement cannot be computed */
    CCM_GUEST_DRIFT_REFUSED,  /* the new values were refused by the guest's policy */
    CCM_GUEST_DRIFT_OTHER,    /* a state this ccmctl does not know (a newer ccmd) */
    _CCM_GUEST_DRIFT_MAX,
} CcmDriftState;

/**
 * ccm_drift_record_read() - the state of @guest's drift member
 *
 * FALSE with CCM_VARLINK_ERROR_PROTOCOL when the member is not of the shape above (a
 * Drift without state, a DriftInput without path, a number that is not one ...).
 */
gboolean ccm_drift_record_read(json_object *guest, CcmDriftState *ret_state,
                              GError **error);

/**
 * ccm_drift_record_describe() - @guest's drift as text lines
 *
 * One line "NAME  PLATFORM  STATE" (with the policy and since when), then one indented
 * line per changed input (input, path, old -> new SHA-256) and one for the measurement.
 * The record must have passed ccm_drift_record_read(). @since_utc: print the time in UTC
 * rather than local time.
 */
void ccm_drift_record_describe(json_object *guest, gboolean since_utc, GString *out);
