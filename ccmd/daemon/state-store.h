/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state-store.h - ccmd's state in SQLite: guests, their transitions, reference values */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#define CCM_STORE_ERROR (ccm_store_error_quark())
GQuark ccm_store_error_quark(void);

typedef enum CcmStoreErrorCode {
    CCM_STORE_ERROR_IO,        /* SQLite failed (disk, corruption, lock) */
    CCM_STORE_ERROR_SCHEMA,    /* a database from a newer ccmd */
    CCM_STORE_ERROR_NOT_FOUND,
    CCM_STORE_ERROR_EXISTS,
} CcmStoreErrorCode;

/* One guest row. Strings owned. */
typedef struct CcmStoredGuest {
    char *name;
    char *spec_path;
    char *spec_text;
    char *platform;
    char *state;
    char *reason;
    char *measurement;       /* hex, or NULL */
    int64_t pid;             /* QEMU, or 0 */
    uint64_t pid_start;      /* its start time (clock ticks since boot), to tell pid reuse */
    int64_t created_at;      /* microseconds since the epoch */
    int64_t updated_at;
    char *origin;            /* "ccmd" (it launches QEMU) or "libvirt" (its hook reports) */
} CcmStoredGuest;

void ccm_stored_guest_free(CcmStoredGuest *guest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmStoredGuest, ccm_stored_guest_free)

typedef struct CcmStoredEvent {
    int64_t time;
    char *state;
    char *reason;
} CcmStoredEvent;

typedef struct CcmStore CcmStore;

/* Opens (creating or migrating) PATH; WAL, foreign keys, busy timeout. */
CcmStore *ccm_store_open(const char *path, GError **error);
void ccm_store_close(CcmStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmStore, ccm_store_close)

int ccm_store_schema_version(CcmStore *store);

/* All guests, by name. */
GPtrArray *ccm_store_list_guests(CcmStore *store, GError **error);
CcmStoredGuest *ccm_store_get_guest(CcmStore *store, const char *name, GError **error);

/* Transitions kept per guest: a guest's events cannot grow the database without bound. */
#define CCM_STORE_HISTORY_MAX 1000

/* Adds @guest (state and reason are its first transition). */
gboolean ccm_store_add_guest(CcmStore *store, const CcmStoredGuest *guest, GError **error);

/**
 * ccm_store_transition() - one state change, in one transaction
 *
 * Updates the guest's state, reason, QEMU identity (@pid 0 clears it) and, when
 * @measurement is not NULL, its expected measurement, and appends to its history,
 * unless state and reason are the guest's already (only the QEMU identity or the
 * measurement changes: no new history row). The history keeps the newest
 * CCM_STORE_HISTORY_MAX rows of each guest; older ones are deleted in the same
 * transaction.
 */
gboolean ccm_store_transition(CcmStore *store, const char *name, const char *state,
                              const char *reason, int64_t pid, uint64_t pid_start,
                              const char *measurement, GError **error);

/* Removes the guest, its history and its reference values, in one transaction. */
gboolean ccm_store_remove_guest(CcmStore *store, const char *name, GError **error);

/* The last @limit transitions of @name, oldest first (CcmStoredEvent, owned). */
GPtrArray *ccm_store_history(CcmStore *store, const char *name, unsigned limit, GError **error);

/* Reference values: replaces every value of @guest with @values (name -> JSON text). */
gboolean ccm_store_set_reference_values(CcmStore *store, const char *guest, GHashTable *values,
                                        GError **error);
/* name -> JSON text of every value of every guest, as (guest, name, value) triples. */
GPtrArray *ccm_store_all_reference_values(CcmStore *store, GError **error);

/*
 * The drift guard's record of a guest (guest-drift.c): @baseline, JSON of the inputs and
 * values its registration was computed from; @drift, JSON of the drift seen since, or
 * NULL. Removed with the guest.
 */
gboolean ccm_store_set_inputs(CcmStore *store, const char *guest, const char *baseline,
                              const char *drift, GError **error);
/* Both NULL when the guest has no record (added by a ccmd before the drift guard). */
gboolean ccm_store_get_inputs(CcmStore *store, const char *guest, char **ret_baseline,
                              char **ret_drift, GError **error);

typedef struct CcmStoredValue {
    char *guest;
    char *name;
    char *value;
} CcmStoredValue;
