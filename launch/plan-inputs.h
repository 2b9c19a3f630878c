/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* plan-inputs.h - the host files a launch plan's expectation depends on, and their identity */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <json-c/json.h>

#include "launch-plan.h"

/*
 * One input of a plan: its role ("firmware", "varstore", "kernel", "initrd", "dtb",
 * "qemu"), the path the plan names, and, once identified, what the file held then.
 * @sha256 NULL means the file could not be read (@problem says why: missing, not a
 * regular file, unreadable).
 */
typedef struct CcmPlanInput {
    char *role;
    char *path;
    char *sha256;       /* lowercase hex */
    uint64_t size;
    int64_t mtime_ns;   /* nanoseconds since the epoch */
    char *problem;
} CcmPlanInput;

void ccm_plan_input_free(CcmPlanInput *input);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmPlanInput, ccm_plan_input_free)

/* The plan's inputs (CcmPlanInput, owned, not yet identified), in a fixed role order. The
 * QEMU binary is the one ccm_qemu_binary_resolve() names (left as given if none). */
GPtrArray *ccm_plan_inputs(const CcmLaunchPlan *plan);

/*
 * Digests already computed, by path and the file's inode identity (device, inode, size,
 * mtime, ctime): a file whose inode did not change since is not read again. Any write,
 * rename over it or touch changes one of them (ctime cannot be set back by a process),
 * so a cached digest never hides a change. Many guests share one QEMU binary and
 * firmware; ccmd hashes each once.
 */
typedef struct CcmInputCache CcmInputCache;

CcmInputCache *ccm_input_cache_new(void);
void ccm_input_cache_free(CcmInputCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmInputCache, ccm_input_cache_free)

/*
 * ccm_plan_input_identify() - read the file and record its digest, size and mtime
 *
 * Follows symbolic links (the identity is that of the file the plan would boot). A
 * file that cannot be read leaves sha256 NULL and sets @problem; returns whether the
 * file was identified. With @cache (may be NULL), an unchanged inode is not read again.
 */
bool ccm_plan_input_identify(CcmPlanInput *input, CcmInputCache *cache);

/* Identifies every input of @inputs; returns how many could not be read. */
guint ccm_plan_inputs_identify(GPtrArray *inputs, CcmInputCache *cache);

/* The input of @role in @inputs, or NULL. */
const CcmPlanInput *ccm_plan_inputs_find(GPtrArray *inputs, const char *role);

/* As stored: [{"role", "path", "sha256", "size", "mtime_ns"}]; and back (NULL if @json is
 * not of that shape). */
json_object *ccm_plan_inputs_to_json(GPtrArray *inputs);
GPtrArray *ccm_plan_inputs_from_json(json_object *json);
