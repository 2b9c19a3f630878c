/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-authz.h - which guest specs a caller may add or start (ccmd(8), AUTHORISATION) */
#pragma once

#include <glib.h>

#include "caller-access.h"
#include "guest-spec.h"

/* What the model needs from ccmd's configuration (all paths absolute). */
typedef struct CcmSpecAuthzPolicy {
    const char *state_dir;
    const char *runtime_dir;
    const char *socket;               /* the Varlink socket */
    const char *config_file;          /* ccmd.conf; NULL: none */
    const char *const *allowed_qemu;  /* [Manager] AllowedQEMU=; NULL: none */
} CcmSpecAuthzPolicy;

/**
 * ccm_spec_authorize() - may @caller have ccmd act on @spec?
 *
 * For every caller: no file QEMU writes (SerialLog=, a writable Disk=) may be inside
 * ccmd's state or runtime folder, nor be the socket, ccmd.conf or the database. For a
 * member besides: QEMU= must be allowed by the admin, every file the spec names must be
 * one the caller could open itself for what ccmd or QEMU will do with it, and
 * Network=tap is refused. Readers may not change anything and are refused outright.
 * The error (G_IO_ERROR_PERMISSION_DENIED) names the spec line, the key and the path,
 * and says what the caller lacks.
 */
gboolean ccm_spec_authorize(const CcmGuestSpec *spec, const CcmCaller *caller,
                            const CcmSpecAuthzPolicy *policy, GError **error);
