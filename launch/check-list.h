/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* check-list.h - the named steps of a verification: ok, failed or not checkable, one line each */
#pragma once

#include <glib.h>
#include <json-c/json.h>

typedef enum CcmCheckResult {
    CCM_CHECK_OK,
    CCM_CHECK_FAILED,
    CCM_CHECK_NOT_CHECKABLE,
} CcmCheckResult;

/* "ok", "failed", "not-checkable" */
const char *ccm_check_result_to_string(CcmCheckResult result);

typedef struct CcmCheck {
    char *name;   /* "claims-binding", "quote-signature", ... */
    CcmCheckResult result;
    char *detail; /* one line */
} CcmCheck;

typedef struct CcmCheckList {
    GPtrArray *checks; /* of CcmCheck */
} CcmCheckList;

CcmCheckList *ccm_check_list_new(void);
void ccm_check_list_free(CcmCheckList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CcmCheckList, ccm_check_list_free)

/* Adds a step; returns @result == CCM_CHECK_OK, so a caller can stop the chain there. */
gboolean ccm_check_list_add(CcmCheckList *list, const char *name, CcmCheckResult result,
                            const char *format, ...) G_GNUC_PRINTF(4, 5);
/* The step called @name, or NULL. */
const CcmCheck *ccm_check_list_find(const CcmCheckList *list, const char *name);
/* How many steps have @result. */
guint ccm_check_list_count(const CcmCheckList *list, CcmCheckResult result);
/* "verified" (every step ok), "refused" (a step failed), "unchecked" (none failed, some
 * not checkable). */
const char *ccm_check_list_verdict(const CcmCheckList *list);
/* The steps as a JSON array of {"step", "result", "detail"} (new reference). */
json_object *ccm_check_list_to_json(const CcmCheckList *list);
/* The steps as text, one "  STEP  RESULT  DETAIL" line each, appended to @out. */
void ccm_check_list_append_text(const CcmCheckList *list, GString *out);
