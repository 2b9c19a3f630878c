/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * expectation-engine.h - what each platform's expectation engine provides (internal)
 *
 * expectation.c keeps one row per platform in its table; expectation-sev.c,
 * expectation-tdx.c and expectation-cca.c implement the rows. Nothing outside launch/
 * includes this header.
 */
#pragma once

#include "expectation.h"

struct CcmExpectationEngine {
    /* Fills @e's values and detail from @plan. */
    gboolean (*from_plan)(const CcmLaunchPlan *plan, CcmExpectationFlags flags,
                          CcmExpectation *e, GError **error);
    /* name -> JSON list text, in the names the broker's policies read. */
    void (*reference_values)(const CcmExpectation *e, GHashTable *out);
    json_object *(*to_json)(const CcmExpectation *e);
    void (*explain)(const CcmExpectation *e, GString *out);
    void (*free_detail)(CcmExpectation *e);
};

extern const CcmExpectationEngine ccm_expectation_sev_engine;
extern const CcmExpectationEngine ccm_expectation_tdx_engine;
extern const CcmExpectationEngine ccm_expectation_cca_engine;

/* An empty expectation of @platform, run by @engine. */
CcmExpectation *ccm_expectation_alloc(CcmGuestPlatform platform,
                                      const CcmExpectationEngine *engine);

/* Appends a value (@data NULL: not known). */
void ccm_expectation_add_value(CcmExpectation *e, const char *name, const uint8_t *data,
                               size_t size, bool primary);

/* Fills ->reference_values once the values are in. */
void ccm_expectation_finish(CcmExpectation *e);

void ccm_expectation_note(CcmExpectation *e, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* A JSON list with one string: what a broker registers for one name. */
char *ccm_expectation_json_list(const char *value);
