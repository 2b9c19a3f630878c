/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cca-operations.h - a CCA realm's operation list from its JSON description */
#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "ccm/measure.h"

/**
 * ccm_cca_operations_load() - the realm described by the JSON file at @path
 *
 * The form is one entry of shared/vectors/cca/vectors.json: "rmm", "hash",
 * "realm_params", and optionally "ripas", "blobs" (files relative to @path's folder),
 * "recs", "unmeasured" and "host_page_size"; see ccmctl-measure(1). Errors name the file
 * and the key (G_IO_ERROR_INVALID_DATA, or the error reading a blob).
 */
CcmCcaRealm *ccm_cca_operations_load(const char *path, GError **error);

/* The same for a parsed object; @source names it in messages, @base_dir anchors files. */
CcmCcaRealm *ccm_cca_operations_from_json(json_object *o, const char *source,
                                          const char *base_dir, GError **error);
