/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sev-report.h - a SEV-family measurement with every step that produced it, and its renderings */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <json-c/json.h>

#include "ccm/measure.h"
#include "hex.h"

/* A CcmStep with its strings and hashes owned. */
typedef struct CcmSevReportStep {
    CcmStepKind kind;
    char *stage;
    char *detail;
    uint32_t index;
    uint64_t gpa;
    uint64_t size;
    uint64_t n_pages;
    int page_type;
    size_t content_hash_size;
    uint8_t content_hash[CCM_DIGEST_MAX_SIZE];
    size_t digest_size;
    uint8_t digest[CCM_DIGEST_MAX_SIZE];
} CcmSevReportStep;

typedef struct CcmSevReport {
    char *name;
    CcmPlatform platform;
    CcmVmm vmm;
    bool firmware_digest_only;
    char *firmware;
    char *firmware_reason;      /* why this firmware (guest specs), or NULL */
    uint64_t firmware_size;
    uint64_t firmware_gpa;
    unsigned vcpus;
    char *cpu;
    bool vcpu_sig_set;
    uint32_t vcpu_sig;
    uint64_t guest_features;
    CcmSevEsVmsa sev_es_vmsa;
    char *kernel;
    char *initrd;
    char *append;
    bool seeded;
    GArray *steps;              /* CcmSevReportStep */
    uint8_t digest[CCM_DIGEST_MAX_SIZE];
    size_t digest_size;
} CcmSevReport;

CcmSevReport *ccm_sev_report_new(void);
void ccm_sev_report_free(CcmSevReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmSevReport, ccm_sev_report_free)

/* A CcmStepFunc that appends to the CcmSevReport passed as @userdata. */
void ccm_sev_report_add_step(const CcmStep *step, void *userdata);


/* The human-readable explanation, one line per step. */
void ccm_sev_report_explain(const CcmSevReport *report, GString *out);
/* The whole report; steps only if @with_steps. */
json_object *ccm_sev_report_to_json(const CcmSevReport *report, bool with_steps);
