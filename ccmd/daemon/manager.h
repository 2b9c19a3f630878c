/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* manager.h - ccmd's manager: the guests, the store, the registration backend */
#pragma once

#include <stdbool.h>

#include <glib.h>

#include "caller-access.h"
#include "guest.h"
#include "input-watch.h"
#include "plan-inputs.h"
#include "qemu-caps-memo.h"
#include "qemu-probe.h"
#include "registration-kbs.h"
#include "registration.h"
#include "state-lock.h"
#include "state-store.h"

#define CCM_MANAGER_ERROR (ccm_manager_error_quark())
GQuark ccm_manager_error_quark(void);

typedef enum CcmManagerErrorCode {
    CCM_MANAGER_ERROR_NO_SUCH_GUEST,
    CCM_MANAGER_ERROR_GUEST_EXISTS,
    CCM_MANAGER_ERROR_INVALID_SPEC,
    CCM_MANAGER_ERROR_LIMIT,         /* too many guests */
    CCM_MANAGER_ERROR_PERMISSION,    /* the caller may not have ccmd do this */
} CcmManagerErrorCode;

typedef struct CcmManagerConfig {
    char *state_dir;          /* the SQLite database and the reference values file */
    char *runtime_dir;        /* QMP sockets and pid files, one folder per guest */
    char *reference_values;   /* the exported RVPS message file */
    bool use_kbs;             /* Backend=kbs: register with a Trustee KBS */
    CcmKbsConfig kbs;
    char *host_id;            /* this host's name in guest identities */
    guint stop_timeout_ms;    /* Stop: power-down, then quit after this */
    guint qmp_timeout_ms;     /* per QMP command */
    guint max_guests;
    /* The authorisation model (ccmd(8), AUTHORISATION) */
    gid_t client_group;       /* members may change guests; (gid_t) -1: no such group */
    char **allowed_qemu;      /* QEMU= binaries members may name (NULL-terminated) */
    char *socket;             /* the Varlink socket and ccmd.conf: never a QEMU output */
    char *config_file;
} CcmManagerConfig;

/* Called after every state change of any guest (the Monitor stream). */
typedef void (*CcmManagerWatchFunc)(CcmGuest *guest, gpointer userdata);

struct CcmManager {
    CcmManagerConfig config;
    CcmStateLock *lock;            /* STATE/ccmd.lock: one ccmd per state directory */
    CcmStore *store;
    CcmRegistration *registration;
    CcmQemuProbeOptions probe;
    char *caps_cache;              /* the probe's cache on disk */
    CcmQemuCapsMemo *caps_memo;    /* ... and the parsed capabilities in memory */
    GHashTable *guests;            /* name -> CcmGuest */
    GSList *watches;               /* Watch */
    CcmInputWatch *input_watch;    /* the guests' host files (guest-drift.c); NULL: none */
    CcmInputCache *input_cache;    /* ... and their digests, by inode */
};

/* Creates the folders (private modes), takes the state directory's lock, opens the
 * store, loads every guest and reconnects to the ones that have QEMU processes (ending
 * any QEMU in the runtime folder of a guest it does not know). Takes ownership of
 * @config's strings. */
CcmManager *ccm_manager_new(CcmManagerConfig *config, GError **error);
void ccm_manager_free(CcmManager *manager);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmManager, ccm_manager_free)

CcmGuest *ccm_manager_lookup(CcmManager *manager, const char *name, GError **error);
/* Guests sorted by name (borrowed pointers). */
GPtrArray *ccm_manager_list(CcmManager *manager);

/* Adds a guest from spec text (@path resolves its relative paths) for @caller, if the
 * authorisation model lets it (checked before anything in the spec is read or run). */
CcmGuest *ccm_manager_add(CcmManager *manager, const char *path, const char *text,
                          const CcmCaller *caller, GError **error);
/* May @caller have ccmd start @guest (its spec checked again with the caller's rights)? */
gboolean ccm_manager_authorize_start(CcmManager *manager, CcmGuest *guest,
                                     const CcmCaller *caller, GError **error);
/* Removes a guest without a QEMU process, withdrawing its reference values. */
void ccm_manager_remove_async(CcmManager *manager, const char *name,
                              GAsyncReadyCallback callback, gpointer userdata);
gboolean ccm_manager_remove_finish(GAsyncResult *result, GError **error);

guint ccm_manager_watch(CcmManager *manager, CcmManagerWatchFunc func, gpointer userdata);
void ccm_manager_unwatch(CcmManager *manager, guint id);

/* Watches the guest's host files for the drift guard (again after they may have moved). */
void ccm_manager_watch_inputs(CcmManager *manager, CcmGuest *guest);

/* For guests: record a state change and tell the watchers. */
void ccm_manager_guest_changed(CcmManager *manager, CcmGuest *guest);
