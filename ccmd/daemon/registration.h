/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* registration.h - where a guest's expected values go before it may start */
#pragma once

#include <stdbool.h>

#include <gio/gio.h>

#include "guest-spec.h"

#define CCM_REGISTRATION_ERROR (ccm_registration_error_quark())
GQuark ccm_registration_error_quark(void);

typedef enum CcmRegistrationErrorCode {
    CCM_REGISTRATION_ERROR_FAILED,     /* the backend refused or could not be reached */
} CcmRegistrationErrorCode;

/*
 * A registration backend receives a guest's reference values (name -> JSON text, e.g.
 * "snp_launch_measurement" -> "[\"9a1e...\"]") before the guest starts, and withdraws
 * them when the guest is removed. A guest whose values are not registered does not
 * start (fail closed). Implementations: the embedded file backend (registration-file.c);
 * the Trustee KBS backend comes behind the same interface.
 */
typedef struct CcmRegistration CcmRegistration;

/*
 * @scope is the guest's identity at the broker (its SEV-SNP HOST_DATA, TDX MRCONFIGID or
 * CCA personalization value, written as ->scope() says; NULL for guests without one): a
 * backend that shares one namespace between many guests and hosts names the guest's
 * values under it (the file backend does not need it).
 */
typedef struct CcmRegistrationOps {
    const char *name;
    /* Whether guests need an identity (scope) to be registered. */
    bool needs_scope;
    /* The guest's scope as this backend names it (NULL: lowercase hex of the identity). */
    char *(*scope)(CcmRegistration *r, const CcmGuestSpec *spec);
    void (*register_async)(CcmRegistration *r, const char *guest, const char *scope,
                           GHashTable *values, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer userdata);
    void (*withdraw_async)(CcmRegistration *r, const char *guest, const char *scope,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer userdata);
    /* At ccmd's start: make the backend hold what the state database holds (e.g. after
     * the database was restored, or the exported file deleted). */
    gboolean (*sync)(CcmRegistration *r, GError **error);
    void (*free)(CcmRegistration *r);
} CcmRegistrationOps;

struct CcmRegistration {
    const CcmRegistrationOps *ops;
};

/* Both operations complete through GTask: finish with this. */
gboolean ccm_registration_finish(GAsyncResult *result, GError **error);

void ccm_registration_free(CcmRegistration *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmRegistration, ccm_registration_free)
