/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * check-list.c - the named steps of a verification and the verdict they add up to
 *
 * A verifier that walks a chain (hardware root, report, binding, key, signature, values)
 * records one row per step, so the user sees which link held and which did not. A step
 * that cannot be made with the evidence at hand is "not-checkable", never "ok": the
 * verdict is "verified" only when every step is ok.
 */
#include <stdarg.h>

#include "check-list.h"

const char *ccm_check_result_to_string(CcmCheckResult result)
{
    switch (result) {
    case CCM_CHECK_OK: return "ok";
    case CCM_CHECK_FAILED: return "failed";
    case CCM_CHECK_NOT_CHECKABLE: return "not-checkable";
    }
    g_return_val_if_reached(NULL);
}

static void check_free(gpointer p)
{
    CcmCheck *c = p;
    g_free(c->name);
    g_free(c->detail);
    g_free(c);
}

CcmCheckList *ccm_check_list_new(void)
{
    CcmCheckList *list = g_new0(CcmCheckList, 1);
    list->checks = g_ptr_array_new_with_free_func(check_free);
    return list;
}

void ccm_check_list_free(CcmCheckList *list)
{
    if (!list)
        return;
    g_ptr_array_unref(list->checks);
    g_free(list);
}

gboolean ccm_check_list_add(CcmCheckList *list, const char *name, CcmCheckResult result,
                            const char *format, ...)
{
    CcmCheck *c = g_new0(CcmCheck, 1);
    va_list ap;
    va_start(ap, format);
    c->detail = g_strdup_vprintf(format, ap);
    va_end(ap);
    c->name = g_strdup(name);
    c->result = result;
    g_ptr_array_add(list->checks, c);
    return result == CCM_CHECK_OK;
}

const CcmCheck *ccm_check_list_find(const CcmCheckList *list, const char *name)
{
    for (guint i = 0; i < list->checks->len; i++) {
        const CcmCheck *c = list->checks->pdata[i];
        if (g_str_equal(c->name, name))
            return c;
    }
    return NULL;
}

guint ccm_check_list_count(const CcmCheckList *list, CcmCheckResult result)
{
    guint n = 0;
    for (guint i = 0; i < list->checks->len; i++)
        n += ((const CcmCheck *) list->checks->pdata[i])->result == result;
    return n;
}

const char *ccm_check_list_verdict(const CcmCheckList *list)
{
    if (ccm_check_list_count(list, CCM_CHECK_FAILED) || !list->checks->len)
        return "refused";
    return ccm_check_list_count(list, CCM_CHECK_NOT_CHECKABLE) ? "unchecked" : "verified";
}

json_object *ccm_check_list_to_json(const CcmCheckList *list)
{
    json_object *a = json_object_new_array();
    for (guint i = 0; i < list->checks->len; i++) {
        const CcmCheck *c = list->checks->pdata[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "step", json_object_new_string(c->name));
        json_object_object_add(o, "result",
                               json_object_new_string(ccm_check_result_to_string(c->result)));
        json_object_object_add(o, "detail", json_object_new_string(c->detail));
        json_object_array_add(a, o);
    }
    return a;
}

void ccm_check_list_append_text(const CcmCheckList *list, GString *out)
{
    for (guint i = 0; i < list->checks->len; i++) {
        const CcmCheck *c = list->checks->pdata[i];
        g_string_append_printf(out, "  %-20s %-13s %s\n", c->name,
                               ccm_check_result_to_string(c->result), c->detail);
    }
}
