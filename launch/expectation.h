/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * expectation.h - what a guest's hardware will report, computed in one place
 *
 * A guest's expectation is every register or digest its platform will report, each with
 * its name; the event log where the platform keeps one (TDX); the explanation of every
 * step; the notes a user should read (choices made, what could not be predicted); and
 * the reference values a key broker needs, under the names the broker's policies read.
 *
 * `ccmctl measure`, `ccmctl verify`, `ccmctl register|export` and ccmd all get a guest's
 * expectation from here. Which engine a platform uses, and which of its values a broker
 * gets, is decided in expectation.c's platform table and nowhere else; the per-platform
 * files (expectation-sev.c, expectation-tdx.c, expectation-cca.c) hold each engine's
 * glue and its renderings. Options given on a command line instead of a guest spec enter
 * through the ccm_expectation_new_*() constructors of their platform, so both ways in
 * give the same document.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <json-c/json.h>

#include "ccm/measure.h"
#include "launch-plan.h"

typedef enum CcmExpectationFlags {
    CCM_EXPECTATION_DEFAULT = 0,
    /* SEV-SNP: only the launch digest after the firmware pages (a pipeline's seed). */
    CCM_EXPECTATION_FIRMWARE_DIGEST = 1 << 0,
    /* TDX: read RTMR0's ACPI tables from the plan's QEMU (starts it once per VM shape;
     * the tables are cached). Without it RTMR0 is listed with unknown ACPI events. */
    CCM_EXPECTATION_READ_ACPI = 1 << 1,
    /* Record the step-by-step explanation (TDX sections, CCA descriptors; the SEV family
     * records its steps always). */
    CCM_EXPECTATION_EXPLAIN = 1 << 2,
} CcmExpectationFlags;

/* One register or digest the guest will report. */
typedef struct CcmExpectedValue {
    char name[24];      /* "measurement", "firmware-digest", "mrtd", "rtmr0".."rtmr3", "rim",
                         * "rem0".."rem3" */
    bool known;         /* FALSE: not predicted (the notes say why) */
    bool primary;       /* what hex and base64 output print, in this order */
    size_t size;
    uint8_t value[CCM_DIGEST_MAX_SIZE];
} CcmExpectedValue;

typedef struct CcmSevReport CcmSevReport;
typedef struct CcmTdxExpectation CcmTdxExpectation;
typedef struct CcmCcaExpectation CcmCcaExpectation;
typedef struct CcmExpectationEngine CcmExpectationEngine;

typedef struct CcmExpectation {
    CcmGuestPlatform platform;
    char *name;                     /* the guest's name, or NULL */
    GArray *values;                 /* CcmExpectedValue, in the platform's order */
    GPtrArray *notes;               /* sentences for stderr: choices made, warnings */
    GHashTable *reference_values;   /* broker name -> JSON list text */
    char *unmeasured;               /* why the guest has no measurement (Platform=none) */
    const CcmExpectationEngine *engine;
    /* The platform's own detail, for its renderings and for event-by-event checks;
     * exactly one is set for a measured guest. */
    CcmSevReport *sev;
    CcmTdxExpectation *tdx;
    CcmCcaExpectation *cca;
} CcmExpectation;

void ccm_expectation_free(CcmExpectation *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmExpectation, ccm_expectation_free)

/**
 * ccm_expectation_new() - the expectation of the guest @plan launches
 *
 * The platform's engine gets the same inputs the QEMU renderer gives QEMU. A Platform=none
 * plan gives an expectation without values, with the reason in ->unmeasured. Errors name
 * the spec, key or file (CCM_LAUNCH_ERROR).
 */
CcmExpectation *ccm_expectation_new(const CcmLaunchPlan *plan, CcmExpectationFlags flags,
                                    GError **error);

/**
 * ccm_expectation_check_plan() - whether @plan's guest can be measured
 *
 * Makes every check ccm_expectation_new() makes on the plan's inputs (the files it names,
 * then the platform's engine on them: a kernel with KernelHashes= needs firmware with a
 * kernel-hashes table, TDVF metadata must fit its image, ...) and keeps nothing. `ccmctl
 * render` and `ccmctl define` call it before they write anything, so they accept exactly
 * the specs `ccmctl measure` accepts: no launch whose measurement cannot be predicted. A
 * Platform=none plan without Rehearses= has no measurement and passes after its files.
 */
gboolean ccm_expectation_check_plan(const CcmLaunchPlan *plan, GError **error);

/* The value called @name, or NULL. */
const CcmExpectedValue *ccm_expectation_value(const CcmExpectation *e, const char *name);

/* Lowercase hex of the first primary value (the headline measurement), or NULL. */
char *ccm_expectation_measurement_hex(const CcmExpectation *e);

/* The primary values, one per line, as hex or (@base64) standard base64. */
char *ccm_expectation_values_text(const CcmExpectation *e, bool base64);

/* The whole expectation as the JSON document "ccm-measure/1" (what `ccmctl measure --json`
 * prints; its "platform" member says which platform's members follow). */
json_object *ccm_expectation_to_json(const CcmExpectation *e);

/* The step-by-step explanation (what `--explain` prints on stderr). */
void ccm_expectation_explain(const CcmExpectation *e, GString *out);

/* Whether @platform's values have the output form @format (hex, base64, json,
 * firmware-digest; NULL: the default); FALSE with G_OPTION_ERROR naming the forms. */
gboolean ccm_expectation_check_output(CcmGuestPlatform platform, const char *format,
                                      GError **error);

/* The QMP command through which QEMU reports a value derived from the launch measurement
 * before the guest runs (SEV, SEV-ES: query-sev-launch-measure), or NULL. */
const char *ccm_expectation_qmp_launch_measure(CcmGuestPlatform platform);

/*
 * Why a Trustee KBS cannot take this platform's values with ccm's per-guest scoping, or
 * NULL when it can.
 */
const char *ccm_expectation_trustee_refusal(CcmGuestPlatform platform);

/* The guest's identity at a broker (SEV-SNP HOST_DATA, TDX MRCONFIGID, CCA personalization
 * value; a new reference), or NULL. */
GBytes *ccm_expectation_identity(const CcmGuestSpec *spec);

/* What @platform's identity is called ("TDX MRCONFIGID"), or NULL when it has none. */
const char *ccm_expectation_identity_name(CcmGuestPlatform platform);

/* The spec key that sets it ("[TDX] MRConfigId="), or NULL. */
const char *ccm_expectation_identity_key(CcmGuestPlatform platform);

/* The same as section and key ("TDX", "MRConfigId"); false when @platform has none. */
bool ccm_expectation_identity_spec_key(CcmGuestPlatform platform, const char **ret_section,
                                       const char **ret_key);

/* The same as lowercase hex, or NULL. */
char *ccm_expectation_identity_hex(const CcmGuestSpec *spec);

/* Gives a spec without an identity of its own the one derived from @host_id and its
 * name, where its platform carries one. */
void ccm_expectation_apply_identity(CcmGuestSpec *spec, const char *host_id);
