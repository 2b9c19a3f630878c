/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* measure-autoptr.h - g_autoptr() support for libccm-measure types, for GLib-based callers */
#pragma once

#include <glib.h>

#include "ccm/measure.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmFirmware, ccm_firmware_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmSevGuest, ccm_sev_guest_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmCcaRealm, ccm_cca_realm_free)
