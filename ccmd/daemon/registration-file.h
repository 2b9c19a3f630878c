/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* registration-file.h - the embedded registration backend: state DB + an RVPS message file */
#pragma once

#include "registration.h"
#include "state-store.h"

/* Values live in @store; every change rewrites @path atomically. @store is borrowed. */
CcmRegistration *ccm_registration_file_new(CcmStore *store, const char *path);

/* The RVPS "sample" message for every value in @store (what @path holds). */
char *ccm_registration_file_message(CcmStore *store, GError **error);
