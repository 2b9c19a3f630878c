/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* guest.h - one supervised guest: its state machine, its QEMU and its QMP connection */
#pragma once

#include <stdbool.h>

#include <gio/gio.h>
#include <json-c/json.h>

#include "guest-drift.h"
#include "guest-spec.h"
#include "launch-plan.h"
#include "state-store.h"

#define CCM_GUEST_ERROR (ccm_guest_error_quark())
GQuark ccm_guest_error_quark(void);

typedef enum CcmGuestErrorCode {
    CCM_GUEST_ERROR_INVALID_STATE,   /* e.g. start while running */
    CCM_GUEST_ERROR_MEASUREMENT,     /* the expected measurement cannot be computed */
    CCM_GUEST_ERROR_REGISTRATION,    /* the backend refused the values */
    CCM_GUEST_ERROR_START,           /* QEMU did not start or failed its checks */
    CCM_GUEST_ERROR_STOP,
} CcmGuestErrorCode;

/*
 * States (ccmd(8) documents them):
 *   defined   known, never started or removed from a failed start
 *   starting  measurement, registration, QEMU (-S) and its checks in progress
 *   running   vCPUs running
 *   paused    QEMU stopped the vCPUs (STOP event; -S during start is still starting)
 *   stopped   QEMU exited after a guest shutdown or a stop/kill request
 *   crashed   QEMU exited without being asked, or the guest panicked
 *   failed    the start failed; the reason says why
 */
typedef enum CcmGuestState {
    CCM_GUEST_DEFINED,
    CCM_GUEST_STARTING,
    CCM_GUEST_RUNNING,
    CCM_GUEST_PAUSED,
    CCM_GUEST_STOPPED,
    CCM_GUEST_CRASHED,
    CCM_GUEST_FAILED,
    _CCM_GUEST_STATE_MAX,
} CcmGuestState;

const char *ccm_guest_state_to_string(CcmGuestState state);
int ccm_guest_state_from_string(const char *name);

typedef struct CcmGuest CcmGuest;
typedef struct CcmManager CcmManager;

/* Takes @stored; parses its spec (errors name the spec). */
CcmGuest *ccm_guest_new(CcmManager *manager, CcmStoredGuest *stored, GError **error);
void ccm_guest_free(CcmGuest *guest);

const char *ccm_guest_name(const CcmGuest *guest);
CcmGuestState ccm_guest_state(const CcmGuest *guest);
const CcmStoredGuest *ccm_guest_stored(const CcmGuest *guest);
/* The guest's spec (for a libvirt guest: read from its domain XML). */
const CcmGuestSpec *ccm_guest_spec(const CcmGuest *guest);

/* The guest's launch plan, its manager, and its drift guard (guest-drift.c). */
const CcmLaunchPlan *ccm_guest_plan(const CcmGuest *guest);
CcmManager *ccm_guest_manager(const CcmGuest *guest);
CcmGuestDrift *ccm_guest_drift(CcmGuest *guest);

/* Whether libvirt launches the guest (its hook reports it; ccmd follows, never runs it). */
bool ccm_guest_is_libvirt(const CcmGuest *guest);

/* A libvirt guest's state change, as its hook reports it (stored, logged, watched). */
gboolean ccm_guest_record(CcmGuest *guest, CcmGuestState state, const char *reason,
                          const char *measurement);

/* Whether a QEMU process belongs (or may belong) to the guest. */
bool ccm_guest_is_active(const CcmGuest *guest);

/* The guest's identity at the broker (hex of its SEV-SNP HOST_DATA), or NULL. */
char *ccm_guest_scope(const CcmGuest *guest);

/* The guest as the API shows it. */
json_object *ccm_guest_to_json(const CcmGuest *guest);

/* @accept_drift: start even though OnDrift=refuse refused the guest's changed inputs. */
void ccm_guest_start_async(CcmGuest *guest, bool accept_drift, GAsyncReadyCallback callback,
                           gpointer userdata);
/* Stop: ACPI power-down, then quit after @timeout_ms. Kill: quit (or SIGKILL) at once. */
void ccm_guest_stop_async(CcmGuest *guest, guint timeout_ms, GAsyncReadyCallback callback,
                          gpointer userdata);
void ccm_guest_kill_async(CcmGuest *guest, GAsyncReadyCallback callback, gpointer userdata);
gboolean ccm_guest_operation_finish(GAsyncResult *result, GError **error);

/* After ccmd (re)started: reconnect to the guest's QEMU, or record that it died. */
void ccm_guest_recover(CcmGuest *guest);

/* Computes the expected measurement of a guest not yet stored, into its record. */
gboolean ccm_guest_compute_measurement(CcmGuest *guest, GError **error);

/* The expected measurement and reference values of the guest's spec (JSON texts). */
gboolean ccm_guest_expected_values(const CcmGuest *guest, char **ret_measurement,
                                   GHashTable **ret_values, GError **error);
