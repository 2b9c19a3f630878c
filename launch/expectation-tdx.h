/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* expectation-tdx.h - the expectation of an Intel TDX trust domain: MRTD, RTMRs, event log */
#pragma once

#include "expectation.h"
#include "tdx-expected.h"

/* What a TD's expectation keeps beyond its values: the predicted events and the inputs
 * its renderings name. */
struct CcmTdxExpectation {
    CcmTdxExpected predicted;
    char *firmware;
    guint64 memory;
    guint vcpus;
    CcmTdxPageOrder page_order;
    bool direct_boot;
};

/**
 * ccm_expectation_new_tdx() - the expectation of the TD @in describes
 *
 * Values: mrtd (primary), rtmr0 (known with QEMU's ACPI tables and a modelled layout),
 * rtmr1 (direct boot, modelled layout), rtmr2 (direct boot), rtmr3 (the workload's:
 * never known). Notes carry the choices made and what was not predicted.
 */
CcmExpectation *ccm_expectation_new_tdx(const CcmTdxInputs *in, GError **error);

/* The predicted event log: a JSON list of {rtmr, type, digest (null: unknown), description}. */
json_object *ccm_expectation_tdx_event_log(const CcmExpectation *e);
